// Pair rules about how traffic reaches the engines: HTTP ports against the InferencePool and the routing sidecar,
// the routing sidecar's connector, and vLLM's NIXL side channel (the ZMQ listener the decode engine dials to fetch the
// prefill engine's NIXL metadata).

import { flagValue, envValue, httpPortCount, nixlConnectors } from '../../engines/index.js';
import type { EngineModel } from '../../engines/types.js';
import { localDataParallel, sideChannelBasePort, NIXL_BY_ENGINE } from '../../plan/nixl.js';
import { firstVersionWithConnector, prefillPortOf, readSidecarDataParallel, readSidecarKvConnector, readSidecarListenPort, readSidecarPrefillPort, sidecarKvConnectorFor } from '../../router/sidecar.js';
import { POOL_TARGET_PORTS_MAX } from '../../router/stack.js';
import { routerTable } from '../../router/table.js';
import type { SidecarKvWiring } from '../../router/types.js';
import { isPlainObject } from '../../types.js';
import type { PairContext } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { at, connectorsOf, fromPlan, podContainers, sides } from './helpers.js';

const HOST_ENV = 'VLLM_NIXL_SIDE_CHANNEL_HOST';
const PORT_ENV = 'VLLM_NIXL_SIDE_CHANNEL_PORT';

/**
 * What a host the other pod cannot reach breaks, by the role of the engine that sets it. vLLM's NixlConnector (pull):
 * every engine binds its handshake listener (a ZMQ ROUTER socket) on VLLM_NIXL_SIDE_CHANNEL_HOST, and the engine that
 * produces KV puts that host into the kv_transfer_params of each request it prefills (remote_host); the consuming
 * engine dials remote_host to fetch the producer's NIXL metadata. So prefill's host is the one decode dials; decode's
 * own host is dialled only when decode itself produces KV (kv_role kv_both).
 */
const HOST_EFFECT = {
  prefill:
    'the prefill engine advertises it to decode as the address of its NIXL side channel, so decode dials itself and the handshake fails ' +
    '("Remote NIXL agent engine ID mismatch", vllm#27083) or times out;',
  decode:
    "the decode engine binds its own NIXL side-channel listener there and gives it out as its own address; it dials the prefill engine's " +
    'advertised address, so the transfer from prefill does not use it, but whenever decode produces KV (kv_role kv_both) the engine that ' +
    'pulls from it dials itself and the handshake fails ("Remote NIXL agent engine ID mismatch", vllm#27083) or times out;',
} as const;
const HOST_IP_EFFECT = {
  prefill:
    "the prefill engine binds its NIXL side-channel listener on an address its pod does not have, and advertises it to decode, so decode's " +
    'handshake finds nothing listening there',
  decode: "the decode engine binds its own NIXL side-channel listener on an address its pod does not have, so the bind fails",
} as const;

/** Loopback and wildcard addresses: bound locally, but useless to advertise to the other pod. */
function unroutable(host: string): string | undefined {
  const h = host.trim().replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '') return 'empty';
  if (h === 'localhost' || h.endsWith('.localhost') || /^127\./.test(h) || h === '::1' || h === '0:0:0:0:0:0:0:1') return 'a loopback address';
  if (h === '0.0.0.0' || h === '::' || h === '*') return 'a wildcard address';
  return undefined;
}

/** The side-channel ports a vLLM engine listens on: [base, base + DP_local). */
function sideChannelRange(e: EngineModel): { base: number; count: number } | undefined {
  const base = sideChannelBasePort(e);
  if (base === undefined) return undefined;
  return { base, count: Math.max(1, localDataParallel(e).value) };
}

/** Ports the engine itself binds besides the side channel: HTTP, and a KV-events publisher bound locally. */
function boundPorts(e: EngineModel): Array<{ port: number; what: string; path?: string }> {
  const out: Array<{ port: number; what: string; path?: string }> = [{ port: e.port.value, what: 'its HTTP --port', path: e.port.path }];
  const ranks = httpPortCount(e).value;
  for (let r = 1; r < ranks; r++) out.push({ port: e.port.value + r, what: `the HTTP port of its data-parallel rank ${r}`, path: e.port.path });
  const events = flagValue(e, '--kv-events-config');
  if (events && typeof events.value === 'string') {
    try {
      const cfg: unknown = JSON.parse(events.value);
      if (isPlainObject(cfg)) {
        for (const key of ['endpoint', 'replay_endpoint']) {
          const m = typeof cfg[key] === 'string' ? /^tcp:\/\/(\*|0\.0\.0\.0|\[::\]|localhost|127\.0\.0\.1):(\d+)/.exec(cfg[key]) : null;
          if (m) out.push({ port: Number(m[2]), what: `its KV-events publisher (--kv-events-config ${key})`, path: events.path });
        }
      }
    } catch {
      // a parse issue already
    }
  }
  return out;
}

/** The first base port from 5600 up (in steps of 100) whose range of `count` ports avoids every port in `taken`. */
function freeBase(count: number, taken: number[]): number {
  for (let base = 5600; base + count <= 65535; base += 100) {
    if (!taken.some((t) => t >= base && t < base + count)) return base;
  }
  return 5600;
}

/** The sidecar connector that speaks the decode engine's protocol, when there is one to insist on (the wirings of the
 * router tables, src/router/versions/shared.ts), and whether the pair's router version has it. */
function expectedSidecarConnector(ctx: PairContext): { connector: string; available: boolean; wiring: SidecarKvWiring } | undefined {
  const found = sidecarKvConnectorFor(ctx.decode.engine);
  if (!found) return undefined;
  return { ...found, available: routerTable(ctx.version).sidecar.kvWiring[found.connector] !== undefined };
}

export const portRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'sidecar-engine-port-unknown',
    scope: 'pair',
    severity: 'error',
    summary: "the routing sidecar pd-disagg adds needs the decode engine's port, which is only known when the pod runs",
    fix: 'write the decode engine\'s --port as a literal number (or an env value of the container), or add the sidecar yourself',
    field: 'decode engine container args: --port',
    check(ctx) {
      const u = ctx.decode.engine.unknown?.port;
      if (!ctx.sidecar?.injected || !u) return [];
      return [
        at(
          ctx.decode,
          u.path,
          `the routing sidecar pd-disagg adds must forward to the decode engine's port, but ${u.what} is only known when the pod runs, so it cannot be wired; ` +
            'write --port as a literal number (or an env value of the container), or add a routing sidecar yourself with its engine port set',
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'decode-port-is-sidecar-port',
    needs: ['port'],
    scope: 'pair',
    severity: 'error',
    summary: "the decode engine listens on the routing sidecar's port",
    fix: 'move the decode engine to another port (e.g. --port=8200); the sidecar owns the public port',
    field: 'decode engine container args: --port',
    check(ctx) {
      const d = ctx.decode;
      const n = ctx.httpPorts.decode;
      const listen = ctx.poolPortCount;
      if (d.engine.port.value !== ctx.poolPort) {
        // with data-parallel ranks the two ranges must not overlap either: [port, port + n) and [pool, pool + n)
        const overlap = d.engine.port.value < ctx.poolPort + listen && ctx.poolPort < d.engine.port.value + n;
        if (!overlap) return [];
        return [
          at(
            d,
            d.engine.port.path,
            `the decode engine's data-parallel HTTP ports ${d.engine.port.value}-${d.engine.port.value + n - 1} overlap the routing sidecar's ` +
              `${ctx.poolPort}-${ctx.poolPort + listen - 1} (one per rank); move the decode engine's --port so the ranges are apart, e.g. --port=8200`,
            { currentValue: d.engine.port.value, proposedValue: '--port=8200' },
          ),
        ];
      }
      const how = d.engine.port.path ? `is set to ${ctx.poolPort}` : `defaults to ${ctx.poolPort}`;
      return [
        at(
          d,
          d.engine.port.path,
          `the decode engine's port ${how}, the port the routing sidecar listens on (the pool's target port); ` +
            'give the decode engine its own port, e.g. --port=8200, and the sidecar forwards to it',
          { currentValue: d.engine.port.value, proposedValue: '--port=8200' },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sidecar-target-port',
    needs: ['port'],
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar forwards to a port the decode engine does not listen on",
    fix: "point the sidecar's --vllm-port (--model-server-port from v0.10.0) at the decode engine's --port",
    field: 'routing sidecar args: --vllm-port / --model-server-port',
    check(ctx) {
      const s = ctx.sidecar;
      if (!s || s.targetPort === ctx.decode.engine.port.value) return [];
      const how = s.targetPath ? `forwards to port ${s.targetPort}` : `forwards to its default port ${s.targetPort} for ${ctx.version}`;
      return [
        {
          message:
            `the routing sidecar ${String(s.container.name ?? '')} ${how}, but the decode engine listens on ${ctx.decode.engine.port.value}; ` +
            `pass the engine port explicitly (--vllm-port, or --model-server-port from v0.10.0) = ${ctx.decode.engine.port.value}`,
          resource: ctx.decode.resource,
          path: s.targetPath ?? `${s.containerPath}.args`,
          currentValue: s.targetPort,
          proposedValue: ctx.decode.engine.port.value,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sidecar-listen-port',
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar listens on a port other than the InferencePool's target port",
    fix: "set the sidecar's --port to spec.sidecar.port (the pool's target port), or spec.sidecar.port to the sidecar's --port",
    field: 'routing sidecar args: --port',
    check(ctx) {
      const s = ctx.sidecar;
      if (!s) return [];
      const listen = readSidecarListenPort(ctx.version, s.container);
      // a port only known when the pod runs ($(PORT)) cannot be compared
      if (Number.isNaN(listen.port) || listen.port === ctx.poolPort) return [];
      const how = listen.path ? `listens on ${listen.port}` : `sets no --port, so it listens on its default ${listen.port}`;
      return [
        {
          message:
            `the routing sidecar ${String(s.container.name ?? '')} ${how}, but the InferencePool targets port ${ctx.poolPort} on the decode pods ` +
            `(spec.sidecar.port), so the EPP's requests never reach the sidecar and no prefill hop happens; ` +
            `give the sidecar --port=${ctx.poolPort}, or set spec.sidecar.port to ${listen.port} (prefill then serves there too)`,
          resource: ctx.decode.resource,
          path: listen.path ? `${s.containerPath}.${listen.path}` : `${s.containerPath}.args`,
          currentValue: listen.port,
          proposedValue: ctx.poolPort,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sidecar-kv-connector',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar (the user's or the one pd-disagg adds) has a --kv-connector that does not speak the decode engine's protocol",
    fix: 'set the sidecar --kv-connector to sglang for SGLang, nixlv2 for vLLM with NIXL (mooncake for MooncakeConnector)',
    field: 'routing sidecar args: --kv-connector',
    check(ctx) {
      const s = ctx.sidecar;
      if (!s) return [];
      const expected = expectedSidecarConnector(ctx);
      // a connector the version lacks is sidecar-kv-connector-missing's
      if (!expected?.available) return [];
      const want = expected.connector;
      const got = readSidecarKvConnector(ctx.version, s.container);
      const value = got?.value ?? 'nixlv2';
      if (value === want) return [];
      const how = got?.value !== undefined ? `is set to --kv-connector=${value}` : 'has no --kv-connector and defaults to nixlv2';
      const legacy = value === 'nixl' ? ' (nixl is the retired v1 protocol: decode requests wait in WAITING_FOR_REMOTE_KVS until they time out, llm-d#355)' : '';
      return [
        {
          message:
            `the routing sidecar ${String(s.container.name ?? '')} ${how}${legacy}, but the decode engine is ${ctx.decode.engine.kind}` +
            `${ctx.decode.engine.kind === 'vllm' ? ` with ${connectorsOf(ctx.decode.engine).map((c) => c.kv_connector).join(', ')}` : ''}; ` +
            `the sidecar would drive the prefill/decode handshake in the wrong protocol; pass --kv-connector=${want}`,
          resource: ctx.decode.resource,
          path: got ? `${s.containerPath}.${got.path}` : `${s.containerPath}.args`,
          currentValue: value,
          proposedValue: `--kv-connector=${want}`,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sidecar-kv-connector-missing',
    needs: ['kvTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: "the routing sidecar of the config's router version has no --kv-connector for the decode engine's KV connector (MooncakeConnector before v0.9.0)",
    fix: 'raise spec.epp.version to a router version whose sidecar has the connector (mooncake: v0.9.0), or move both engines to a connector it has (NixlConnector)',
    field: 'decode engine container args: --kv-transfer-config',
    check(ctx) {
      const expected = expectedSidecarConnector(ctx);
      if (!expected || expected.available) return [];
      const since = firstVersionWithConnector(expected.connector);
      const table = routerTable(ctx.version);
      const d = ctx.decode;
      const names = connectorsOf(d.engine).map((c) => c.kv_connector).filter((n) => expected.wiring.vllmConnectors?.includes(String(n)));
      const what = d.engine.kind === 'vllm' ? `the decode engine loads ${names.join(', ')}` : `the decode engine is ${d.engine.kind}`;
      const sidecar = ctx.sidecar && !ctx.sidecar.injected ? `the decode pod's routing sidecar ${String(ctx.sidecar.container.name ?? '')} cannot speak it` : 'so pd-disagg adds no routing sidecar to the decode pod';
      return [
        at(
          d,
          d.engine.kvTransferConfig?.path,
          `${what}, which the routing sidecar drives with --${table.sidecar.connectorFlag}=${expected.connector}, but the sidecar of router ${ctx.version} has no such connector ` +
            `(it has ${table.sidecar.kvConnectors.join(', ')}) and exits at start with any other value, ${sidecar}. ` +
            `${since ? `Set spec.epp.version to ${since} or later (the first with ${expected.connector})` : 'Use a router version that has it'}, or move both engines to NixlConnector (--kv-connector=nixlv2)`,
          { currentValue: names[0] ?? d.engine.kind, ...(since ? { proposedValue: `spec.epp.version: ${since}` } : {}) },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'mooncake-bootstrap-port-sidecar',
    needs: ['kvTransferConfig'],
    engines: ['vllm'],
    scope: 'pair',
    severity: 'error',
    summary: "the routing sidecar dials another port for the prefill's Mooncake bootstrap server than the prefill engine serves it on (VLLM_MOONCAKE_BOOTSTRAP_PORT)",
    fix: 'pass --mooncake-bootstrap-port=<the prefill engine\'s VLLM_MOONCAKE_BOOTSTRAP_PORT> to the routing sidecar (pd-disagg does when it adds the sidecar)',
    field: 'routing sidecar args: --mooncake-bootstrap-port',
    check(ctx) {
      const s = ctx.sidecar;
      const expected = expectedSidecarConnector(ctx);
      if (!s || !expected?.available || expected.wiring.engine !== 'vllm' || !expected.wiring.prefillPort) return [];
      const port = expected.wiring.prefillPort;
      // both are defined: the wiring has a prefill port (checked above)
      const want = prefillPortOf(expected.wiring, ctx.prefill.engine)!;
      const have = readSidecarPrefillPort(expected.wiring, s.container)!;
      if (want.unknown) {
        return [
          at(
            ctx.prefill,
            want.path,
            `the prefill engine sets ${want.unknown} to something only known when the pod runs, and the routing sidecar must dial that port (${port.what}); ` +
              `write it as a literal number so the sidecar's --${port.flag ?? port.env} can be set to it`,
          ),
        ];
      }
      if (have.value === want.value) return [];
      const how = have.from === 'default' ? `dials its default ${have.value}` : `dials ${Number.isNaN(have.value) ? 'a port that is not a literal number' : have.value} (${have.from === 'flag' ? `--${port.flag}` : `env ${port.env}`})`;
      const where = 'env' in port.engine ? `${port.engine.env}${want.path ? '' : ' (unset: its default)'}` : port.engine.flag;
      return [
        {
          message:
            `the prefill engine serves ${port.what} on ${want.value} (${where}), but the routing sidecar ${String(s.container.name ?? '')} ${how}, ` +
            `so it cannot look up the prefill's engine id and every disaggregated request fails with 502; pass --${port.flag ?? port.env}=${want.value} to the sidecar`,
          resource: ctx.decode.resource,
          path: have.path ? `${s.containerPath}.${have.path}` : `${s.containerPath}.args`,
          currentValue: have.value,
          proposedValue: `--${port.flag ?? port.env}=${want.value}`,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'mooncake-bootstrap-server-address',
    needs: ['kvTransferConfig'],
    engines: ['vllm'],
    scope: 'pair',
    severity: 'warning',
    summary: "the prefill's MooncakeConnector registers with an external bootstrap server (bootstrap_server_address), which the routing sidecar never asks",
    fix: 'remove kv_connector_extra_config.bootstrap_server_address so the prefill serves the bootstrap itself on VLLM_MOONCAKE_BOOTSTRAP_PORT, or run that server in the prefill pod on the port the sidecar dials',
    field: 'prefill engine container args: --kv-transfer-config',
    check(ctx) {
      const expected = expectedSidecarConnector(ctx);
      if (expected?.connector !== 'mooncake' || !ctx.sidecar) return [];
      const p = ctx.prefill;
      const mooncakeChildren = connectorsOf(p.engine).filter((c) => expected.wiring.vllmConnectors?.includes(String(c.kv_connector)));
      const address = mooncakeChildren.map((c) => c.kv_connector_extra_config?.bootstrap_server_address).find((a) => typeof a === 'string' && a !== '');
      if (typeof address !== 'string') return [];
      const flag = expected.wiring.prefillPort?.flag;
      return [
        at(
          p,
          p.engine.kvTransferConfig?.path,
          `the prefill's MooncakeConnector sets bootstrap_server_address ${JSON.stringify(address)}: it registers there and starts no bootstrap server of its own ` +
            `(vllm docs/features/mooncake_connector_usage.md), but the routing sidecar always asks the prefill pod itself, http://<prefill pod IP>:<${flag ? `--${flag}` : 'port'}>/query (connector_mooncake.go), ` +
            'so unless that server runs in the prefill pod on that port, listening on the pod IP, every disaggregated request fails with 502; ' +
            'remove bootstrap_server_address (the prefill then serves it on VLLM_MOONCAKE_BOOTSTRAP_PORT)',
          { currentValue: address },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'prefill-port-not-pool-port',
    needs: ['port'],
    scope: 'pair',
    severity: 'error',
    summary: 'the prefill engine does not listen on the port the InferencePool targets',
    fix: "serve prefill on the pool's target port (the sidecar port, 8000 by default)",
    field: 'prefill engine container args: --port',
    check(ctx) {
      const p = ctx.prefill;
      if (p.engine.port.value === ctx.poolPort) return [];
      return [
        at(
          p,
          p.engine.port.path,
          `the prefill engine listens on ${p.engine.port.value}${p.engine.port.path ? '' : ' (its default)'}, but the InferencePool sends every pod's traffic to ${ctx.poolPort}, ` +
            `where the decode sidecar listens; start prefill with --port=${ctx.poolPort}`,
          { currentValue: p.engine.port.value, proposedValue: `--port=${ctx.poolPort}` },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'nixl-side-channel-host',
    scope: 'pair',
    severity: 'error',
    summary: 'VLLM_NIXL_SIDE_CHANNEL_HOST set to an address the other pod cannot reach (localhost, 127.*, 0.0.0.0, the node IP)',
    fix: 'remove it (pd-disagg injects it from status.podIP) or set it with valueFrom.fieldRef.fieldPath: status.podIP',
    field: 'engine container env: VLLM_NIXL_SIDE_CHANNEL_HOST',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        if (s.engine.kind !== 'vllm') return [];
        const env = s.engine.env[HOST_ENV];
        // the plan injects it from status.podIP when the user sets none: only the user's own setting can be wrong
        if (!env || fromPlan(s, env.path)) return [];
        const proposed = { valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };
        const literal = envValue(s.engine, HOST_ENV);
        if (literal !== undefined && !env.valueFrom) {
          const what = unroutable(literal);
          if (!what) return [];
          return [
            at(
              s,
              `${env.path}.value`,
              `the ${s.role} engine sets ${HOST_ENV}=${JSON.stringify(literal)}, ${what}: ${HOST_EFFECT[s.role]} ` +
                'set it from the pod IP (valueFrom.fieldRef.fieldPath: status.podIP) or remove it and let pd-disagg inject it',
              { currentValue: literal, proposedValue: proposed },
            ),
          ];
        }
        const fieldPath = env.valueFrom?.fieldRef?.fieldPath;
        const hostNetwork = s.template.spec?.hostNetwork === true;
        if (fieldPath === 'status.hostIP' && !hostNetwork) {
          return [
            at(
              s,
              `${env.path}.valueFrom.fieldRef.fieldPath`,
              `the ${s.role} engine takes ${HOST_ENV} from status.hostIP, the node's address, but the pod does not use hostNetwork: ${HOST_IP_EFFECT[s.role]}; ` +
                'use status.podIP',
              { currentValue: fieldPath, proposedValue: 'status.podIP' },
            ),
          ];
        }
        return [];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'nixl-side-channel-port',
    needs: ['nixlSideChannelPort'],
    scope: 'pair',
    severity: 'warning',
    summary: 'the NIXL side-channel port cannot be read, or a container port named nixl points elsewhere',
    fix: 'set VLLM_NIXL_SIDE_CHANNEL_PORT to a literal and declare one containerPort per local DP rank from it (pd-disagg does when it can read it)',
    field: 'engine container env VLLM_NIXL_SIDE_CHANNEL_PORT / ports',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const e = s.engine;
        if (e.kind !== 'vllm' || !NIXL_BY_ENGINE.vllm.portEnv) return [];
        const planned = e.env[PORT_ENV];
        // the plan writes the default port when the user sets none
        const env = planned && !fromPlan(s, planned.path) ? planned : undefined;
        const range = sideChannelRange(e);
        if (!range) {
          if (!env || e.issues.some((i) => i.path.startsWith(env.path))) return []; // a bad literal is a parse issue
          return [
            at(
              s,
              env.path,
              `the ${s.role} engine's ${PORT_ENV} is not a literal value, so pd-disagg cannot declare the side-channel container port(s); ` +
                `declare containerPort(s) for [port, port + ${localDataParallel(e).value}) yourself, or set a literal port`,
            ),
          ];
        }
        const ports = Array.isArray(s.container.ports) ? s.container.ports : [];
        const out: Finding[] = [];
        ports.forEach((p: unknown, i: number) => {
          if (!isPlainObject(p) || typeof p.name !== 'string' || !/^nixl/.test(p.name)) return;
          const n = Number(p.containerPort);
          if (n >= range.base && n < range.base + range.count) return;
          const rank = p.name === 'nixl' ? 0 : /^nixl-dp(\d+)$/.exec(p.name)?.[1];
          const wanted = rank === undefined ? range.base : range.base + Number(rank);
          out.push(
            at(
              s,
              `ports[${i}].containerPort`,
              `the ${s.role} engine's container port ${p.name} is ${String(p.containerPort)}, but its NIXL side channel listens on ` +
                `${range.count > 1 ? `${range.base}-${range.base + range.count - 1}` : range.base}` +
                `${env ? '' : ' (vLLM ≥ 0.11.1 default; it was 5557 before, vllm PR #25056)'}; a NetworkPolicy or Service built from this port misses the handshake; ` +
                `set it to ${wanted}`,
              { currentValue: p.containerPort, proposedValue: wanted },
            ),
          );
        });
        return out;
      });
    },
  }),
  defineRule<PairContext>({
    id: 'nixl-side-channel-port-conflict',
    needs: ['nixlSideChannelPort', 'port'],
    scope: 'pair',
    severity: 'error',
    summary: 'the NIXL side-channel port range [port, port + DP_local) overlaps another port in the pod',
    fix: 'move VLLM_NIXL_SIDE_CHANNEL_PORT (default 5600) clear of the HTTP, sidecar, KV-events and other containers’ ports',
    field: 'engine container env: VLLM_NIXL_SIDE_CHANNEL_PORT',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const e = s.engine;
        if (e.kind !== 'vllm' || nixlConnectors(e).length === 0) return [];
        const range = sideChannelRange(e);
        if (!range) return [];
        const inRange = (n: number) => n >= range.base && n < range.base + range.count;
        const taken: Array<{ port: number; what: string }> = boundPorts(e).map(({ port, what }) => ({ port, what }));
        if (s.role === 'decode') {
          for (let r = 0; r < ctx.poolPortCount; r++) taken.push({ port: ctx.poolPort + r, what: r === 0 ? 'the routing sidecar' : `the routing sidecar's data-parallel port ${r}` });
        }
        for (const { container, path } of podContainers(s)) {
          if (path === s.containerPath || !Array.isArray(container.ports)) continue;
          for (const p of container.ports) {
            if (isPlainObject(p) && Number.isInteger(p.containerPort)) taken.push({ port: p.containerPort, what: `container ${String(container.name)}'s port ${p.name ?? p.containerPort}` });
          }
        }
        const hits = taken.filter((t) => inRange(t.port));
        if (hits.length === 0) return [];
        const planned = e.env[PORT_ENV];
        const env = planned && !fromPlan(s, planned.path) ? planned : undefined;
        const dp = range.count > 1 ? `, one per local DP rank: ${range.base}-${range.base + range.count - 1}` : '';
        const list = [...new Set(hits.map((h) => `${h.port} (${h.what})`))].join(', ');
        return [
          at(
            s,
            env ? `${env.path}.value` : undefined,
            `the ${s.role} engine's NIXL side channel listens on ${range.base}${dp}, which collides with ${list}: ` +
              'the second bind fails with "Address already in use" (vllm#20965); set VLLM_NIXL_SIDE_CHANNEL_PORT to a free port',
            { currentValue: range.base, proposedValue: String(freeBase(range.count, taken.map((t) => t.port))) },
          ),
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'dp-ports-over-pool-limit',
    scope: 'pair',
    severity: 'error',
    summary: `more data-parallel HTTP ports per pod than an InferencePool can target (${POOL_TARGET_PORTS_MAX})`,
    fix: `run at most ${POOL_TARGET_PORTS_MAX} local data-parallel ranks per pod with --data-parallel-multi-port-external-lb (e.g. 2 pods of 8 instead of 1 of 16), or drop the flag and let vLLM balance internally`,
    field: 'engine container args: --data-parallel-size-local',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const n = httpPortCount(s.engine);
        if (n.value <= POOL_TARGET_PORTS_MAX) return [];
        return [
          at(
            s,
            n.path,
            `the ${s.role} engine serves ${n.value} HTTP ports (one per local data-parallel rank, --data-parallel-multi-port-external-lb), ` +
              `but InferencePool spec.targetPorts holds at most ${POOL_TARGET_PORTS_MAX}, so ranks ${POOL_TARGET_PORTS_MAX} and up would never get traffic; run at most ${POOL_TARGET_PORTS_MAX} local ranks per pod ` +
              '(more pods with fewer ranks), or drop --data-parallel-multi-port-external-lb and let vLLM balance across its ranks behind one port',
            { currentValue: n.value, proposedValue: POOL_TARGET_PORTS_MAX },
          ),
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'dp-ports-mismatch',
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode pods serve different numbers of data-parallel HTTP ports, while one InferencePool targets the same ports on both',
    fix: 'give both engines the same --data-parallel-size-local with --data-parallel-multi-port-external-lb, or use it on neither',
    field: 'engine container args: --data-parallel-size-local, --data-parallel-multi-port-external-lb',
    check(ctx) {
      const p = httpPortCount(ctx.prefill.engine);
      const d = httpPortCount(ctx.decode.engine);
      if (p.value === d.value) return [];
      const [few, many] = p.value < d.value ? [ctx.prefill, ctx.decode] : [ctx.decode, ctx.prefill];
      const fewN = Math.min(p.value, d.value);
      const manyN = Math.max(p.value, d.value);
      return [
        at(
          few,
          (few === ctx.prefill ? p : d).path ?? few.engine.port.path,
          `the InferencePool targets ${Math.min(POOL_TARGET_PORTS_MAX, manyN)} ports (${ctx.poolPort}-${ctx.poolPort + Math.min(POOL_TARGET_PORTS_MAX, manyN) - 1}) because the ${many.role} pods ` +
            `serve one per data-parallel rank, but the ${few.role} pods serve ${fewN}: the EPP would send requests to ports nothing listens on there. ` +
            'Give both engines the same --data-parallel-size-local with --data-parallel-multi-port-external-lb, or use it on neither',
          { currentValue: fewN, proposedValue: manyN },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sidecar-data-parallel-size',
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar serves a different number of data-parallel ports than the decode engine",
    fix: "set the sidecar's --data-parallel-size to the decode engine's number of HTTP ports (its local data-parallel ranks)",
    field: 'routing sidecar args: --data-parallel-size',
    check(ctx) {
      const s = ctx.sidecar;
      if (!s) return [];
      const want = httpPortCount(ctx.decode.engine).value;
      const got = readSidecarDataParallel(ctx.version, s.container);
      if (got.value === want || want > POOL_TARGET_PORTS_MAX) return [];
      return [
        {
          message:
            `the routing sidecar ${String(s.container.name ?? '')} has --data-parallel-size ${Number.isNaN(got.value) ? '(not a number)' : got.value}, but the decode engine serves ${want} HTTP port(s), ` +
            `one per local data-parallel rank; the sidecar listens on the pool's port + rank and forwards to the engine's port + rank only for ranks below its size. Set --data-parallel-size=${want}`,
          resource: ctx.decode.resource,
          path: got.path ? `${s.containerPath}.${got.path}` : `${s.containerPath}.args`,
          currentValue: got.value,
          proposedValue: want,
        },
      ];
    },
  }),
];
