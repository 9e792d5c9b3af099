// Pair rules for SGLang engines: the --disaggregation-* flags, the listen host, and heterogeneous TP.
// (Page sizes are compared by block-size-mismatch; the sidecar connector by sidecar-kv-connector.)

import { envValue } from '../../engines/index.js';
import type { PairContext } from '../context.js';
import { prefillPortOf } from '../../router/sidecar.js';
import { routerTable } from '../../router/table.js';
import { isPlainObject, type KObject } from '../../types.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { at, sides } from './helpers.js';

const bothSglang = (ctx: PairContext) => ctx.prefill.engine.kind === 'sglang' && ctx.decode.engine.kind === 'sglang';

export const sglangRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'sglang-disaggregation-mode',
    needs: ['sglang.mode'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'error',
    summary: 'an SGLang engine without --disaggregation-mode, or with the other side’s mode',
    fix: 'pass --disaggregation-mode=prefill to the prefill engine and --disaggregation-mode=decode to the decode engine',
    field: 'engine container args: --disaggregation-mode',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.kind === 'sglang' && s.engine.sglang?.mode?.value !== s.role)
        .map((s) => {
          const mode = s.engine.sglang?.mode;
          const how = mode ? `runs with --disaggregation-mode=${mode.value}` : 'has no --disaggregation-mode (so it runs as a plain, non-disaggregated server)';
          return at(s, mode?.path, `the ${s.role} SGLang engine ${how}; it must be ${s.role} for KV to flow prefill→decode; pass --disaggregation-mode=${s.role}`, {
            currentValue: mode?.value,
            proposedValue: `--disaggregation-mode=${s.role}`,
          });
        });
    },
  }),
  defineRule<PairContext>({
    id: 'sglang-transfer-backend-mismatch',
    needs: ['sglang.transferBackend'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'error',
    summary: 'the SGLang engines use different --disaggregation-transfer-backend values (the default is mooncake)',
    fix: 'pass the same --disaggregation-transfer-backend (e.g. nixl) to both engines',
    field: 'engine container args: --disaggregation-transfer-backend',
    check(ctx) {
      if (!bothSglang(ctx)) return [];
      // the SGLang dialect fills an unset flag with the default (mooncake, no path), and a value only known at run
      // time stops the rule before it runs (needs), so both sides hold a value here
      const p = ctx.prefill.engine.sglang!.transferBackend!;
      const d = ctx.decode.engine.sglang!.transferBackend!;
      if (p.value === d.value) return [];
      // the side that omitted the flag is the one to fix; decode when both set it
      const target = !p.path && d.path ? ctx.prefill : ctx.decode;
      const mine = target === ctx.decode ? d : p;
      const want = target === ctx.decode ? p.value : d.value;
      const show = (s: typeof p) => (s.path ? s.value : `${s.value} (not set: SGLang's default)`);
      return [
        at(
          target,
          mine.path,
          `the prefill engine transfers KV with ${show(p)} and the decode engine with ${show(d)}; the two backends cannot talk, ` +
            `so every request fails its KV transfer; pass the same --disaggregation-transfer-backend to both (e.g. ${want})`,
          { currentValue: mine.value, proposedValue: `--disaggregation-transfer-backend=${want}` },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'sglang-host-loopback',
    needs: ['host'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'error',
    summary: 'an SGLang engine listens on 127.0.0.1 (its default --host)',
    fix: 'pass --host=0.0.0.0 (or the pod IP) to both SGLang engines',
    field: 'engine container args: --host',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.kind === 'sglang')
        .flatMap((s): Finding[] => {
          // the SGLang dialect fills an unset --host with the default 127.0.0.1 (no path); a run-time value stops the rule (needs)
          const host = s.engine.host!;
          const value = host.value;
          if (!/^(127\.|localhost$|::1$)/.test(value)) return [];
          const how = host.path ? `listens on ${value}` : `sets no --host, so it listens on SGLang's default 127.0.0.1`;
          const why =
            s.role === 'prefill'
              ? 'the router and the decode engine cannot reach its HTTP port or its bootstrap server (the bootstrap listens on --host too, sglang PR #9931): requests fail with "Failed to get kvcache from prefill instance"'
              : 'kubelet probes and anything outside the pod cannot reach it';
          return [
            at(s, host.path, `the ${s.role} SGLang engine ${how}; ${why}; pass --host=0.0.0.0`, { currentValue: value, proposedValue: '--host=0.0.0.0' }),
          ];
        });
    },
  }),
  defineRule<PairContext>({
    id: 'sglang-ib-device-with-nixl',
    needs: ['sglang.ibDevice', 'sglang.transferBackend'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'warning',
    summary: '--disaggregation-ib-device with the NIXL transfer backend (NIXL ignores it)',
    fix: 'remove --disaggregation-ib-device and pin the NIC with env UCX_NET_DEVICES (e.g. mlx5_0:1)',
    field: 'engine container args: --disaggregation-ib-device',
    check(ctx) {
      return sides(ctx)
        .filter((s) => s.engine.kind === 'sglang' && s.engine.sglang?.ibDevice && s.engine.sglang.transferBackend?.value === 'nixl')
        .map((s) => {
          const ib = s.engine.sglang!.ibDevice!;
          const ucx = envValue(s.engine, 'UCX_NET_DEVICES');
          return at(
            s,
            ib.path,
            `the ${s.role} SGLang engine passes --disaggregation-ib-device=${ib.value}, which only Mooncake reads; NIXL ignores it, and an unpinned NIC can make ` +
              `every transfer hang until the 300 s timeout (sglang#28737)${ucx ? ` (UCX_NET_DEVICES is already ${ucx})` : ''}; remove the flag and set UCX_NET_DEVICES`,
            { currentValue: ib.value, proposedValue: ucx ? undefined : `UCX_NET_DEVICES=${ib.value.split(',').map((d) => `${d.trim()}:1`).join(',')}` },
          );
        });
    },
  }),
  defineRule<PairContext>({
    id: 'sglang-hetero-tp-staging-buffer',
    needs: ['tensorParallel'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'warning',
    summary: 'SGLang engines with different TP sizes and no SGLANG_DISAGG_STAGING_BUFFER=1',
    fix: 'set env SGLANG_DISAGG_STAGING_BUFFER=1 on both SGLang engines (needed for heterogeneous TP on non-MLA models), or use equal TP',
    field: 'engine container env: SGLANG_DISAGG_STAGING_BUFFER',
    check(ctx) {
      if (!bothSglang(ctx) || ctx.prefill.engine.tensorParallel.value === ctx.decode.engine.tensorParallel.value) return [];
      return sides(ctx)
        .filter((s) => envValue(s.engine, 'SGLANG_DISAGG_STAGING_BUFFER') !== '1')
        .map((s) =>
          at(
            s,
            s.engine.env.SGLANG_DISAGG_STAGING_BUFFER ? `${s.engine.env.SGLANG_DISAGG_STAGING_BUFFER.path}.value` : 'env',
            `prefill TP ${ctx.prefill.engine.tensorParallel.value} and decode TP ${ctx.decode.engine.tensorParallel.value} differ, and the ${s.role} SGLang engine ` +
              'does not set SGLANG_DISAGG_STAGING_BUFFER=1, which heterogeneous TP needs for non-MLA models (llm-d SGLang guide; crashes such as ' +
              'sglang#15674 and llm-d#2433 otherwise); set it on both engines, or use equal TP',
            { proposedValue: { name: 'SGLANG_DISAGG_STAGING_BUFFER', value: '1' } },
          ),
        );
    },
  }),
  defineRule<PairContext>({
    id: 'sglang-bootstrap-port-sidecar',
    needs: ['sglang.bootstrapPort'],
    engines: ['sglang'],
    scope: 'pair',
    severity: 'error',
    summary: "the prefill's --disaggregation-bootstrap-port is not 8998 and the decode pod's routing sidecar is not told (SGLANG_BOOTSTRAP_PORT)",
    fix: 'set env SGLANG_BOOTSTRAP_PORT=<prefill bootstrap port> on the routing sidecar',
    field: 'routing sidecar env: SGLANG_BOOTSTRAP_PORT',
    check(ctx) {
      // the prefill's --disaggregation-bootstrap-port when set to another port than the sidecar's default (the table's sglang wiring)
      const wiring = routerTable(ctx.version).sidecar.kvWiring.sglang;
      const port = wiring && prefillPortOf(wiring, ctx.prefill.engine);
      const want = port?.path && !port.unknown && port.value !== wiring?.prefillPort?.default ? { value: String(port.value) } : undefined;
      const s = ctx.sidecar;
      if (!want || !s) return [];
      const env = Array.isArray(s.container.env) ? s.container.env : [];
      const i = env.findIndex((e: unknown) => isPlainObject(e) && e.name === 'SGLANG_BOOTSTRAP_PORT');
      const have = i >= 0 ? (env[i] as KObject).value : undefined;
      if (have === want.value) return [];
      return [
        {
          message:
            `the prefill SGLang engine's bootstrap server listens on --disaggregation-bootstrap-port ${want.value}, but the routing sidecar ${String(s.container.name ?? '')} ` +
            `${have === undefined ? 'has no SGLANG_BOOTSTRAP_PORT and dials the default 8998' : `has SGLANG_BOOTSTRAP_PORT=${String(have)}`}, so every KV handoff fails; ` +
            `set env SGLANG_BOOTSTRAP_PORT="${want.value}" on the sidecar`,
          resource: ctx.decode.resource,
          path: i >= 0 ? `${s.containerPath}.env[${i}].value` : `${s.containerPath}.env`,
          currentValue: have, // a finding's undefined value is left out of the result (toResult)
          proposedValue: want.value,
        },
      ];
    },
  }),
];
