// Pair rules about what the two engines must agree on. vLLM's NIXL handshake hashes the model string, dtype, KV cache
// dtype, attention backend and hybrid-KV setting (vllm PR #29503): a difference passes every readiness probe and then
// fails the first transferred request. Block size and tensor parallelism are checked at transfer time instead, with
// their own limits.

import type { EngineKind, EngineModel, Sourced } from '../../engines/types.js';
import { blockSizeOrDefault } from '../../engines/index.js';
import type { EngineSide, PairContext } from '../context.js';
import { defineRule, type Rule } from '../registry.js';
import { at, connectorsOf, mayBeInConfigFile, sides } from './helpers.js';

interface SameValueSpec {
  id: string;
  severity: 'error' | 'warning';
  summary: string;
  fix: string;
  field: string;
  needs?: readonly string[];
  /** engines the rule applies to (both sides must be one of them) */
  kinds: readonly EngineKind[];
  /** the flag to name in messages, per engine */
  flag: Record<EngineKind, string>;
  read: (e: EngineModel) => Sourced<unknown> | undefined;
  /** the effective value when unset, for the message */
  unsetText: (e: EngineModel) => string;
  /** why a difference matters */
  why: string;
}

function show(e: EngineModel, v: Sourced<unknown> | undefined, spec: SameValueSpec): string {
  if (!v) return spec.unsetText(e);
  return v.path ? `"${String(v.value)}"` : `"${String(v.value)}" (not set: the default)`;
}

/** A rule that wants the same value on both engines (an unset flag counts as its default). */
function sameValue(spec: SameValueSpec): Rule<PairContext> {
  return defineRule<PairContext>({
    id: spec.id,
    scope: 'pair',
    severity: spec.severity,
    summary: spec.summary,
    fix: spec.fix,
    field: spec.field,
    needs: spec.needs,
    check(ctx) {
      const { prefill: p, decode: d } = ctx;
      if (p.engine.kind !== d.engine.kind || !spec.kinds.includes(p.engine.kind)) return [];
      const pv = spec.read(p.engine);
      const dv = spec.read(d.engine);
      if (mayBeInConfigFile(p.engine, pv) || mayBeInConfigFile(d.engine, dv)) return [];
      const key = (v: Sourced<unknown> | undefined) => (v === undefined ? undefined : JSON.stringify(v.value));
      if (key(pv) === key(dv)) return [];
      // point at the side that set a value; decode when both did
      const target: EngineSide = dv?.path !== undefined || pv?.path === undefined ? d : p;
      const mine = target === d ? dv : pv;
      const theirs = target === d ? pv : dv;
      const flag = spec.flag[p.engine.kind];
      return [
        at(
          target,
          mine?.path,
          `${flag} differs: prefill ${show(p.engine, pv, spec)}, decode ${show(d.engine, dv, spec)}; ${spec.why}. Set the same ${flag.replace(/^the /, '')} on both engines`,
          { currentValue: mine?.value, proposedValue: theirs?.value },
        ),
      ];
    },
  });
}

const HASH_WHY =
  'it is part of the NIXL compatibility hash, so the pods turn ready and then the first transferred request fails with "NIXL compatibility hash mismatch" (vllm PR #29503)';

function effectiveServedNames(e: EngineModel): string[] | undefined {
  if (e.servedModelNames) return e.servedModelNames.value;
  return e.model ? [e.model.value] : undefined;
}

export const compatRules: Rule<PairContext>[] = [
  sameValue({
    id: 'model-mismatch',
    needs: ['model'],
    severity: 'error',
    summary: 'prefill and decode serve different model strings',
    fix: 'pass the identical model string (HF id or path, exactly) to both engines',
    field: 'engine container args: model (vllm serve positional / --model, SGLang --model-path)',
    kinds: ['vllm', 'sglang'],
    flag: { vllm: 'the model', sglang: '--model-path' },
    read: (e) => e.model,
    unsetText: (e) => (e.kind === 'vllm' ? "not set (vLLM's built-in default model)" : 'not set'),
    why:
      'vLLM hashes the model string itself (an HF id and a local path of the same weights differ), so every transfer fails at the first request ' +
      'after the pods turn ready (vllm PR #29503); SGLang would transfer KV between different weights',
  }),
  defineRule<PairContext>({
    id: 'served-model-name-disjoint',
    needs: ['servedModelNames', 'model'],
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode answer to no common model name',
    fix: 'give both engines the same --served-model-name (it defaults to the model string)',
    field: 'engine container args: --served-model-name',
    check(ctx) {
      const { prefill: p, decode: d } = ctx;
      const pn = effectiveServedNames(p.engine);
      const dn = effectiveServedNames(d.engine);
      if (!pn || !dn) return [];
      if ((p.engine.configFile && !p.engine.servedModelNames) || (d.engine.configFile && !d.engine.servedModelNames)) return [];
      if (pn.some((n) => dn.includes(n))) return [];
      const target = d.engine.servedModelNames ? d : p.engine.servedModelNames ? p : d;
      const text = (e: EngineModel, names: string[]) => `${names.join(', ')}${e.servedModelNames ? '' : ' (the model string: --served-model-name not set)'}`;
      return [
        at(
          target,
          target.engine.servedModelNames?.path ?? target.engine.model?.path,
          `prefill answers to ${text(p.engine, pn)} and decode to ${text(d.engine, dn)}; a request's "model" can only be served by one of them, ` +
            `and the other returns 404 "The model … does not exist"; pass the same --served-model-name to both`,
          { currentValue: (target === d ? dn : pn).join(' '), proposedValue: (target === d ? pn : dn)[0] },
        ),
      ];
    },
  }),
  sameValue({
    id: 'dtype-mismatch',
    needs: ['dtype'],
    severity: 'error',
    summary: 'prefill and decode use different --dtype',
    fix: 'pass the same explicit --dtype to both engines (auto resolves per GPU and model)',
    field: 'engine container args: --dtype',
    kinds: ['vllm', 'sglang'],
    flag: { vllm: '--dtype', sglang: '--dtype' },
    read: (e) => e.dtype,
    unsetText: () => '"auto"',
    why: `the KV tensors would not have the same element type; for vLLM ${HASH_WHY}`,
  }),
  sameValue({
    id: 'kv-cache-dtype-mismatch',
    needs: ['kvCacheDtype'],
    severity: 'error',
    summary: 'prefill and decode use different --kv-cache-dtype',
    fix: 'pass the same --kv-cache-dtype to both engines',
    field: 'engine container args: --kv-cache-dtype',
    kinds: ['vllm', 'sglang'],
    flag: { vllm: '--kv-cache-dtype', sglang: '--kv-cache-dtype' },
    read: (e) => e.kvCacheDtype,
    unsetText: () => '"auto"',
    why: `the transferred KV blocks would be read in the wrong format; for vLLM ${HASH_WHY}`,
  }),
  sameValue({
    id: 'attention-backend-mismatch',
    needs: ['attentionBackend'],
    severity: 'error',
    summary: 'prefill and decode use different attention backends (vLLM)',
    fix: 'select the same attention backend on both engines (--attention-backend, -ac.backend or VLLM_ATTENTION_BACKEND), or none on both',
    field: 'engine container args: --attention-backend / --attention-config.backend, env VLLM_ATTENTION_BACKEND',
    kinds: ['vllm'],
    flag: { vllm: 'the attention backend', sglang: '--attention-backend' },
    read: (e) => e.attentionBackend,
    unsetText: () => 'not set (chosen by the platform)',
    why: `${HASH_WHY}; the backend also decides the physical block size`,
  }),
  sameValue({
    id: 'hybrid-kv-cache-mismatch',
    needs: ['disableHybridKvCacheManager'],
    severity: 'error',
    summary: 'the hybrid KV cache manager is on for one engine and off (or left to the default) for the other',
    fix: 'pass the same --disable-hybrid-kv-cache-manager / --no-disable-hybrid-kv-cache-manager to both engines',
    field: 'engine container args: --[no-]disable-hybrid-kv-cache-manager',
    kinds: ['vllm'],
    flag: { vllm: '--[no-]disable-hybrid-kv-cache-manager', sglang: '' },
    read: (e) => e.disableHybridKvCacheManager,
    unsetText: () => 'not set (the vLLM version decides)',
    why: `whether HMA is enabled is ${HASH_WHY.replace('it is ', '')}`,
  }),
  sameValue({
    id: 'max-model-len-mismatch',
    needs: ['maxModelLen'],
    severity: 'warning',
    summary: 'prefill and decode accept different context lengths',
    fix: 'pass the same --max-model-len (SGLang: --context-length) to both engines',
    field: 'engine container args: --max-model-len / --context-length',
    kinds: ['vllm', 'sglang'],
    flag: { vllm: '--max-model-len', sglang: '--context-length' },
    read: (e) => e.maxModelLen,
    unsetText: () => "not set (the model's maximum)",
    why: 'long prompts that one side accepts fail on the other, depending on which side the router picks',
  }),
  defineRule<PairContext>({
    id: 'block-size-mismatch',
    needs: ['blockSize'],
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode KV block sizes that the KV connector cannot pair',
    fix: 'use the same --block-size (SGLang: --page-size) on both engines',
    field: 'engine container args: --block-size / --page-size',
    check(ctx) {
      const b = blockSizes(ctx);
      if (!b || b.p === b.d) return [];
      let why: string | undefined;
      if (ctx.prefill.engine.kind === 'sglang') why = 'SGLang refuses the pair ("Page size mismatch", sglang PR #14474)';
      else if (!b.integerRatio) why = 'vLLM pairs different block sizes only when the prefill block is smaller and divides the decode block (vllm PR #26759)';
      else if (ctx.prefill.engine.tensorParallel.value > ctx.decode.engine.tensorParallel.value)
        why = 'vLLM does not pair different block sizes when prefill TP > decode TP ("Different local/remote block sizes are not supported when P TP > D TP")';
      else if (b.cpuBuffer) why = `vLLM's host-buffer transfer (kv_buffer_device cpu on the ${b.cpuBuffer}) does not support different block sizes`;
      if (!why) return [];
      return [
        at(ctx.decode, ctx.decode.engine.blockSize?.path, `prefill block size ${b.pText} and decode block size ${b.dText} cannot be paired: ${why}; use the same ${b.flag} on both engines`, {
          currentValue: b.d,
          proposedValue: b.p,
        }),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'block-size-ratio',
    needs: ['blockSize', 'tensorParallel'],
    scope: 'pair',
    severity: 'warning',
    summary: 'prefill block size smaller than decode, with an integer ratio (vLLM)',
    fix: 'prefer the same --block-size on both engines; heterogeneous block sizes need vLLM ≥ 0.12 and no hybrid (Mamba/SSM) model',
    field: 'engine container args: --block-size',
    check(ctx) {
      const b = blockSizes(ctx);
      if (!b || b.p === b.d || !b.integerRatio || ctx.prefill.engine.kind !== 'vllm') return [];
      if (ctx.prefill.engine.tensorParallel.value > ctx.decode.engine.tensorParallel.value || b.cpuBuffer) return []; // block-size-mismatch
      return [
        at(
          ctx.prefill,
          ctx.prefill.engine.blockSize?.path,
          `prefill block size ${b.pText} is smaller than decode block size ${b.dText}; vLLM's NIXL connector pairs them only from ~v0.12 (PR #26759) ` +
            'and not for hybrid (Mamba/SSM) models, which raise the physical block size themselves; prefer the same --block-size on both',
          { currentValue: b.p, proposedValue: b.d },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'block-size-implicit',
    needs: ['blockSize'],
    scope: 'pair',
    severity: 'info',
    summary: 'an engine leaves the KV block size to the platform default',
    fix: 'set --block-size (SGLang: --page-size) explicitly and identically on both engines',
    field: 'engine container args: --block-size / --page-size',
    check(ctx) {
      return sides(ctx)
        .filter((s) => !s.engine.blockSize && !s.engine.configFile)
        .map((s) => {
          const e = s.engine;
          const d = blockSizeOrDefault(e).value;
          const msg =
            e.kind === 'vllm'
              ? `the ${s.role} engine sets no --block-size: vLLM picks it at start (16 on CUDA, but 64 or more for MLA backends such as FlashMLA, ` +
                'larger for hybrid models, 128 on CPU/HPU), so the two sides can end up with different physical block sizes'
              : `the ${s.role} engine sets no --page-size: SGLang uses ${d} (token-granular radix cache) unless the attention backend forces another`;
          const epp =
            s.role === 'decode'
              ? `; the EPP config uses blockSizeTokens ${ctx.eppBlockSizeTokens}` +
                (e.kind === 'sglang' ? ' (a page of 1 token is too fine to hash per prompt; set spec.epp.blockSizeTokens to choose another)' : '')
              : '';
          return at(s, undefined, `${msg}${epp}; set ${e.kind === 'vllm' ? '--block-size' : '--page-size'} explicitly on both engines`, { proposedValue: `${e.kind === 'vllm' ? '--block-size' : '--page-size'}=${d}` });
        });
    },
  }),
  defineRule<PairContext>({
    id: 'tp-prefill-greater',
    needs: ['tensorParallel'],
    scope: 'pair',
    severity: 'warning',
    summary: 'prefill tensor parallelism larger than decode',
    fix: 'give decode a TP at least as large as prefill (fan-out is the supported direction)',
    field: 'engine container args: --tensor-parallel-size',
    check(ctx) {
      const p = ctx.prefill.engine.tensorParallel;
      const d = ctx.decode.engine.tensorParallel;
      if (p.value <= d.value || !integerRatio(p.value, d.value)) return [];
      return [
        at(
          ctx.prefill,
          p.path,
          `prefill TP ${p.value} is larger than decode TP ${d.value}; vLLM supports P TP > D TP only for some models (not when the KV heads are replicated ` +
            'on prefill, vllm PR #27274; "unsupported for most model architectures", llm-d PR #2187) and then needs equal block sizes; ' +
            `prefer decode TP ≥ prefill TP`,
          { currentValue: p.value, proposedValue: d.value },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'tp-ratio',
    needs: ['tensorParallel'],
    scope: 'pair',
    severity: 'error',
    summary: 'prefill and decode tensor parallelism without an integer ratio',
    fix: 'choose TP sizes where one divides the other (e.g. 2 and 4)',
    field: 'engine container args: --tensor-parallel-size',
    check(ctx) {
      const p = ctx.prefill.engine.tensorParallel;
      const d = ctx.decode.engine.tensorParallel;
      if (integerRatio(p.value, d.value)) return [];
      // always on decode: a decode TP left at its default (1) divides every prefill TP, so here decode set its TP
      return [
        at(
          ctx.decode,
          d.path,
          `prefill TP ${p.value} and decode TP ${d.value} have no integer ratio; KV heads are split between ranks by the TP ratio, so the transfer cannot map ` +
            'ranks and fails; pick sizes where one divides the other',
          { currentValue: d.value },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'pipeline-parallel',
    needs: ['pipelineParallel'],
    scope: 'pair',
    severity: 'warning',
    summary: 'pipeline parallelism > 1 on a P/D engine',
    fix: 'use tensor (or data) parallelism instead of --pipeline-parallel-size on P/D engines',
    field: 'engine container args: --pipeline-parallel-size',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.pipelineParallel.value > 1)
        .map((s) => {
          const push = connectorsOf(s.engine).some((c) => c.kv_connector === 'NixlPushConnector');
          const why =
            s.role === 'prefill'
              ? `the pull NixlConnector asserts a prefill PP of 1; prefill PP works only with NixlPushConnector (vllm PR #45880)${push ? ', which this engine uses' : ''}`
              : 'decode-side PP is not supported by the NIXL connector';
          return at(s, s.engine.pipelineParallel.path, `the ${s.role} engine uses pipeline parallelism ${s.engine.pipelineParallel.value}; ${why}`, {
            currentValue: s.engine.pipelineParallel.value,
            proposedValue: 1,
          });
        });
    },
  }),
];

/** TP sizes are whole numbers ≥ 1: the engine model refuses anything else (a parse issue) and keeps the default */
function integerRatio(a: number, b: number): boolean {
  return Math.max(a, b) % Math.min(a, b) === 0;
}

function blockSizes(ctx: PairContext) {
  const { prefill, decode } = ctx;
  if (prefill.engine.kind !== decode.engine.kind) return undefined;
  if (mayBeInConfigFile(prefill.engine, prefill.engine.blockSize) || mayBeInConfigFile(decode.engine, decode.engine.blockSize)) return undefined;
  const p = blockSizeOrDefault(prefill.engine).value;
  const d = blockSizeOrDefault(decode.engine).value;
  const text = (side: EngineSide, v: number) => (side.engine.blockSize ? String(v) : `${v} (not set: left to the platform default)`);
  const cpu = (side: EngineSide) => connectorsOf(side.engine).some((c) => c.kv_buffer_device === 'cpu');
  return {
    p,
    d,
    pText: text(prefill, p),
    dText: text(decode, d),
    integerRatio: p < d && d % p === 0,
    cpuBuffer: cpu(prefill) ? 'prefill' : cpu(decode) ? 'decode' : undefined,
    flag: prefill.engine.kind === 'sglang' ? '--page-size' : '--block-size',
  };
}
