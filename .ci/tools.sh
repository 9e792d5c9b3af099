#!/usr/bin/env bash
# Builds the pinned orchestrators the end-to-end tests drive, from the Go module proxy, into .tools/bin (gitignored):
#   kustomize (standalone, for exec mode), helm3 and helm4 (post-renderers); and fetches the CRDs and OpenAPI schemas the
#   output is validated against. A binary is rebuilt only when its pin changes (.tools/stamps); the Go
#   module and build caches are reused between runs. .ci/run puts .tools/bin on PATH; the tests also look there.
# Long builds run under `nice` so they do not starve other work on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
BIN=$TOOLS/bin
STAMPS=$TOOLS/stamps
mkdir -p "$BIN" "$STAMPS"
export GOTOOLCHAIN=local GOFLAGS="${GOFLAGS:-} -trimpath" CGO_ENABLED=0

# --- pins (go 1.26.8 builds each of these; newer tags need go 1.27) ---
KUSTOMIZE=sigs.k8s.io/kustomize/kustomize/v5@v5.8.2
HELM3=helm.sh/helm/v3/cmd/helm@v3.22.0
HELM4=helm.sh/helm/v4/cmd/helm@v4.3.2
# Kubernetes whose published OpenAPI v3 schemas the output is checked against
KUBE_VERSION=v1.32.13
# CRDs the output uses, read from the modules' zips (go mod download): InferencePool, HTTPRoute, LeaderWorkerSet,
# DisaggregatedSet (new in lws v0.9.0; the proxy refuses lws v0.10.0, whose CRD adds spec.slices and placementPolicy)
CRDS=(
  sigs.k8s.io/gateway-api-inference-extension@v1.5.0:config/crd/bases/inference.networking.k8s.io_inferencepools.yaml
  sigs.k8s.io/gateway-api@v1.4.0:config/crd/standard/gateway.networking.k8s.io_httproutes.yaml
  sigs.k8s.io/lws@v0.7.0:config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml
  sigs.k8s.io/lws@v0.9.0:config/crd/bases/disaggregatedset.x-k8s.io_disaggregatedsets.yaml
)

# build NAME PKG@VERSION: go install into a private GOBIN, then move the binary to $BIN/NAME.
build() {
  local name=$1 pin=$2
  if [ -x "$BIN/$name" ] && [ "$(cat "$STAMPS/$name" 2>/dev/null)" = "$pin" ]; then
    echo "tools: $name $pin (cached)"
    return
  fi
  local start=$SECONDS gobin
  gobin=$(mktemp -d "$TOOLS/gobin.XXXXXX")
  echo "tools: building $name from $pin"
  GOBIN=$gobin nice -n 10 go install "$pin"
  mv "$gobin"/* "$BIN/$name"
  rmdir "$gobin"
  echo "$pin" > "$STAMPS/$name"
  echo "tools: $name built in $((SECONDS - start))s"
}

# `bash .ci/tools.sh [kustomize|helm|crds]...` builds only those groups (default: all)
want() { [ $# -eq 0 ] || [ -z "${GROUPS_WANTED:-}" ] || [[ " $GROUPS_WANTED " == *" $1 "* ]]; }
GROUPS_WANTED="$*"

if want kustomize; then build kustomize "$KUSTOMIZE"; fi
if want helm; then
  build helm3 "$HELM3"
  build helm4 "$HELM4"
fi


# CRDs (for the schema check), and Kubernetes' published OpenAPI v3 (api/openapi-spec/v3 of the
# k8s.io/kubernetes module: test/e2e/openapi.test.ts reads it from the module cache)
if want crds; then
  (cd "$TOOLS" && go mod download "k8s.io/kubernetes@$KUBE_VERSION")
  mkdir -p "$TOOLS/crds"
  for crd in "${CRDS[@]}"; do
    module=${crd%%:*} file=${crd#*:}
    out="$TOOLS/crds/$(basename "$file")"
    [ -s "$out" ] && continue
    dir=$(cd "$TOOLS" && go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$dir" ] && [ -f "$dir/$file" ] || { echo "tools: $module has no $file" >&2; exit 1; }
    cp "$dir/$file" "$out.tmp" && chmod 644 "$out.tmp" && mv "$out.tmp" "$out"
    echo "tools: CRD $(basename "$file") from $module"
  done
fi

