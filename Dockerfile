# pd-disagg container image: node and the function (launcher, bundle and its V8 code cache), nothing else.
#   docker build -t ghcr.io/pd-disagg/pd-disagg:v0.1.0 .
# Tags are immutable vX.Y.Z (no `latest`): kustomize and kpt reference the function by tag.
# It writes nothing to disk and reads no HOME: `docker run --read-only --network none --user nobody` works
# (test/e2e/container.test.ts runs the bundle that way, with Node's permission model denying every write).

FROM node:20.20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY examples ./examples
RUN npm run build -- --no-code-cache
# The code cache belongs to one node binary: write it with the runtime image's own node (same Debian 12 base).
COPY --from=gcr.io/distroless/nodejs20-debian12:nonroot /nodejs/bin/node /runtime/node
RUN node scripts/build-code-cache.mjs dist/pd-disagg.js /runtime/node

# distroless: node only (no shell, no npm); runs as a numeric non-root user and needs no writable filesystem.
FROM gcr.io/distroless/nodejs20-debian12:nonroot
COPY --from=build /src/dist/pd-disagg.js /src/dist/pd-disagg.core.js /src/dist/pd-disagg.js.cache /
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/nodejs/bin/node", "/pd-disagg.js"]
