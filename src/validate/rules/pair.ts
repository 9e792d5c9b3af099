// Rules that compare the prefill and decode engines and the wiring between them.

import type { EngineSide, PairContext } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';

/** The field path of something in an engine container: the arg that set it, or the container's args when defaulted. */
export function enginePath(side: EngineSide, relative: string | undefined): string {
  const rel = relative ?? 'args';
  return rel.startsWith('[') ? side.containerPath + rel : `${side.containerPath}.${rel}`;
}

function at(side: EngineSide, relative: string | undefined, message: string, extra: Partial<Finding> = {}): Finding {
  return { message, resource: side.resource, path: enginePath(side, relative), ...extra };
}

const sides = (ctx: PairContext) => [ctx.prefill, ctx.decode] as const;
const isNixl = (connector: unknown) => typeof connector === 'string' && /^Nixl/.test(connector);

export const pairRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'kv-role-inverted',
    scope: 'pair',
    severity: 'error',
    summary: 'the prefill engine is a kv_consumer, or the decode engine a kv_producer',
    fix: 'give prefill kv_role kv_producer and decode kv_role kv_consumer in --kv-transfer-config',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      const wrong = { prefill: 'kv_consumer', decode: 'kv_producer' } as const;
      const right = { prefill: 'kv_producer', decode: 'kv_consumer' } as const;
      return sides(ctx)
        .filter((s) => s.engine.kvTransferConfig?.value.kv_role === wrong[s.role])
        .map((s) =>
          at(
            s,
            s.engine.kvTransferConfig!.path,
            `the ${s.role} engine has kv_role ${wrong[s.role]}, the other side's role: KV would never flow prefill→decode; set "kv_role":"${right[s.role]}" in --kv-transfer-config`,
            { currentValue: wrong[s.role], proposedValue: right[s.role] },
          ),
        );
    },
  }),
  defineRule<PairContext>({
    id: 'role-label-conflict',
    scope: 'pair',
    severity: 'error',
    summary: "a pod template's llm-d.ai/role label contradicts the role the workload plays",
    fix: 'set llm-d.ai/role to prefill on the prefill pod template and decode on the decode one, or fix spec.prefill/spec.decode',
    field: 'pod template metadata.labels[llm-d.ai/role]',
    check(ctx) {
      return sides(ctx).flatMap((s) => {
        const template = s.templatePath.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s.object) as
          | { metadata?: { labels?: Record<string, unknown> } }
          | undefined;
        const label = template?.metadata?.labels?.['llm-d.ai/role'];
        if (label === undefined || label === s.role) return [];
        return [
          {
            message:
              `${s.resource.kind}/${s.resource.name} plays ${s.role}, but its pod template is labelled llm-d.ai/role: ${String(label)}; ` +
              `the EPP filters pods by this label, so set it to ${s.role}`,
            resource: s.resource,
            path: `${s.templatePath}.metadata.labels.llm-d.ai/role`,
            currentValue: label,
            proposedValue: s.role,
          },
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'kv-role-both',
    scope: 'pair',
    severity: 'warning',
    summary: 'kv_both with NixlConnector',
    fix: 'use kv_producer on prefill and kv_consumer on decode',
    field: 'engine container args: --kv-transfer-config kv_role',
    check(ctx) {
      const right = { prefill: 'kv_producer', decode: 'kv_consumer' } as const;
      return sides(ctx)
        .filter((s) => s.engine.kvTransferConfig?.value.kv_role === 'kv_both' && isNixl(s.engine.kvTransferConfig.value.kv_connector))
        .map((s) =>
          at(
            s,
            s.engine.kvTransferConfig!.path,
            `the ${s.role} engine uses kv_role kv_both, which vLLM deprecates for NixlConnector (RFC vllm#43807); set "kv_role":"${right[s.role]}"`,
            { currentValue: 'kv_both', proposedValue: right[s.role] },
          ),
        );
    },
  }),
  defineRule<PairContext>({
    id: 'kv-transfer-config-missing',
    scope: 'pair',
    severity: 'error',
    summary: 'a vLLM engine has no --kv-transfer-config',
    fix: 'add --kv-transfer-config with the same connector on both engines',
    field: 'engine container args: --kv-transfer-config',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.kind === 'vllm' && !s.engine.kvTransferConfig)
        .map((s) => {
          const role = s.role === 'prefill' ? 'kv_producer' : 'kv_consumer';
          return at(
            s,
            undefined,
            `the ${s.role} engine has no --kv-transfer-config: it cannot hand KV over, and the decode engine silently recomputes every prompt; ` +
              `add --kv-transfer-config '{"kv_connector":"NixlConnector","kv_role":"${role}"}'`,
            { proposedValue: `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}` },
          );
        });
    },
  }),
  defineRule<PairContext>({
    id: 'decode-port-is-sidecar-port',
    scope: 'pair',
    severity: 'error',
    summary: "the decode engine listens on the routing sidecar's port",
    fix: 'move the decode engine to another port (e.g. --port=8200); the sidecar owns the public port',
    field: 'decode engine container args: --port',
    check(ctx) {
      const d = ctx.decode;
      if (d.engine.port.value !== ctx.poolPort) return [];
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
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar forwards to a port the decode engine does not listen on",
    fix: "point the sidecar's --vllm-port (--model-server-port from v0.10.0) at the decode engine's --port",
    field: 'routing sidecar args: --vllm-port / --model-server-port',
    check(ctx) {
      const s = ctx.sidecar;
      if (!s || s.injected || s.targetPort === ctx.decode.engine.port.value) return [];
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
    id: 'prefill-port-not-pool-port',
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
          `the prefill engine listens on ${p.engine.port.value}, but the InferencePool sends every pod's traffic to ${ctx.poolPort}, ` +
            `where the decode sidecar listens; start prefill with --port=${ctx.poolPort}`,
          { currentValue: p.engine.port.value, proposedValue: `--port=${ctx.poolPort}` },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'block-size-mismatch',
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode KV block sizes that the KV connector cannot pair',
    fix: 'use the same --block-size (SGLang: --page-size) on both engines',
    field: 'engine container args: --block-size / --page-size',
    check(ctx) {
      const b = blockSizes(ctx);
      if (!b || b.p === b.d || (b.integerRatio && ctx.prefill.engine.kind === 'vllm')) return [];
      return [
        at(
          ctx.decode,
          ctx.decode.engine.blockSize?.path,
          `prefill block size ${b.pText} and decode block size ${b.dText} cannot be paired` +
            (ctx.prefill.engine.kind === 'vllm' ? ' (vLLM only pairs a smaller prefill block that divides the decode block)' : '') +
            `; use the same ${b.flag} on both engines`,
          { currentValue: b.d, proposedValue: b.p },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'block-size-ratio',
    scope: 'pair',
    severity: 'warning',
    summary: 'prefill block size smaller than decode, with an integer ratio',
    fix: 'prefer the same --block-size on both engines; heterogeneous block sizes need a recent vLLM and no hybrid KV cache',
    field: 'engine container args: --block-size',
    check(ctx) {
      const b = blockSizes(ctx);
      if (!b || b.p === b.d || !b.integerRatio || ctx.prefill.engine.kind !== 'vllm') return [];
      return [
        at(
          ctx.prefill,
          ctx.prefill.engine.blockSize?.path,
          `prefill block size ${b.pText} is smaller than decode block size ${b.dText}; NIXL pairs them only on recent vLLM, ` +
            'without the hybrid KV cache manager and with equal TP; prefer the same --block-size on both',
          { currentValue: b.p, proposedValue: b.d },
        ),
      ];
    },
  }),
];

const PLATFORM_DEFAULT_BLOCK = { vllm: 16, sglang: 1 } as const;

function blockSizes(ctx: PairContext) {
  const { prefill, decode } = ctx;
  if (prefill.engine.kind !== decode.engine.kind) return undefined;
  const p = prefill.engine.blockSize?.value ?? PLATFORM_DEFAULT_BLOCK[prefill.engine.kind];
  const d = decode.engine.blockSize?.value ?? PLATFORM_DEFAULT_BLOCK[decode.engine.kind];
  const text = (side: EngineSide, v: number) => (side.engine.blockSize ? String(v) : `${v} (not set: left to the platform default)`);
  return {
    p,
    d,
    pText: text(prefill, p),
    dText: text(decode, d),
    integerRatio: p < d && d % p === 0,
    flag: prefill.engine.kind === 'sglang' ? '--page-size' : '--block-size',
  };
}
