// Pair rules of an E/P/D trio (the config or discovery found an encode stage): the encoder cache (EC) transfer between
// the encode engine (vLLM ec_producer) and prefill (ec_consumer), the decode sidecar's --ec-connector, the encode
// engine's place in the pool, and the model all three serve. None of them runs for a prefill/decode pair.
// Facts: src/plan/ec.ts (vLLM EC connectors, the llm-d e-disaggregation guide, the sidecar's EC protocols per tag).

import { EC_CONSUMER, EC_PRODUCER, type EcTransferConfig } from '../../engines/types.js';
import { EC_CPU_CONNECTOR, EC_EXAMPLE_CONNECTOR, EC_SIDE_CHANNEL_PORT_ENV, ecMode, ecNixlEnabled, ecStoragePath, proposedEcConfig, sidecarEcConnector } from '../../plan/ec.js';
import { localDataParallel } from '../../plan/nixl.js';
import { ecConnectorSince, readSidecarEcConnector } from '../../router/sidecar.js';
import { routerTable } from '../../router/table.js';
import { isPlainObject, type KObject } from '../../types.js';
import type { PairContext, StageSide } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { at, mountAt } from './helpers.js';

/** The first router version whose sidecar speaks ECCPUConnector's NIXL transfer (from the version tables). */
const EC_NIXL_SINCE = ecConnectorSince(sidecarEcConnector('nixl'));

/** The trio's encode side, when there is one. */
function trio(ctx: PairContext): { encode: StageSide; ec: NonNullable<PairContext['ec']> } | undefined {
  return ctx.encode && ctx.ec ? { encode: ctx.encode, ec: ctx.ec } : undefined;
}

const ecOf = (side: StageSide): EcTransferConfig | undefined => side.engine.ecTransferConfig?.value;
const ecPath = (side: StageSide) => side.engine.ecTransferConfig?.path;

export const encodeRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'ec-transfer-config-missing',
    needs: ['ecTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine or prefill (E/P/D) has no --ec-transfer-config',
    fix: 'give the encode engine an ec_producer and prefill an ec_consumer --ec-transfer-config with the same ec_connector',
    field: 'engine container args: --ec-transfer-config',
    check(ctx) {
      const t = trio(ctx);
      if (!t) return [];
      const out: Finding[] = [];
      const why = {
        encode: 'it cannot hand the encoder output to anyone: every multimodal request is encoded on an encode pod for nothing and again on prefill',
        prefill: 'it never loads the encode pods\' output and runs the vision encoder itself, so the encode stage only adds a hop',
      };
      for (const [side, role] of [
        [t.encode, EC_PRODUCER],
        [ctx.prefill, EC_CONSUMER],
      ] as const) {
        if (ecOf(side)?.ec_connector || (side.engine.configFile && !side.engine.ecTransferConfig)) continue;
        const proposed = proposedEcConfig(role, side === t.encode ? ecOf(ctx.prefill) : ecOf(t.encode));
        out.push(
          at(side, ecPath(side), `the ${side.role} engine of this E/P/D trio has no --ec-transfer-config (or one without an ec_connector): ${why[side.role as 'encode' | 'prefill']}; add --ec-transfer-config '${proposed}'`, {
            proposedValue: `--ec-transfer-config=${proposed}`,
          }),
        );
      }
      return out;
    },
  }),
  defineRule<PairContext>({
    id: 'ec-role-inverted',
    needs: ['ecTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine is not ec_producer, or prefill is not ec_consumer',
    fix: 'set ec_role ec_producer on the encode engine and ec_consumer on prefill',
    field: 'engine container args: --ec-transfer-config ec_role',
    check(ctx) {
      const t = trio(ctx);
      if (!t) return [];
      const out: Finding[] = [];
      const e = ecOf(t.encode);
      const p = ecOf(ctx.prefill);
      const inverted = e?.ec_role === EC_CONSUMER && p?.ec_role === EC_PRODUCER;
      for (const [side, cfg, right] of [
        [t.encode, e, EC_PRODUCER],
        [ctx.prefill, p, EC_CONSUMER],
      ] as const) {
        if (!cfg?.ec_connector || cfg.ec_role === right) continue;
        const effect =
          side === t.encode
            ? 'a consumer only loads encoder output, it never offers its own, so prefill finds nothing and encodes every image again'
            : 'a producer never loads encoder output from the encode pods, so it encodes every image again';
        out.push(
          at(
            side,
            ecPath(side),
            `the ${side.role} engine declares ${cfg.ec_role === undefined ? 'no ec_role' : `ec_role "${String(cfg.ec_role)}"`}${inverted ? ' (the encode and prefill EC roles are swapped)' : ''}: ${effect}; set "ec_role":"${right}"`,
            { currentValue: cfg.ec_role ?? null, proposedValue: right },
          ),
        );
      }
      return out;
    },
  }),
  defineRule<PairContext>({
    id: 'ec-connector-mismatch',
    needs: ['ecTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine and prefill load different EC connectors (or the same one set up differently)',
    fix: 'use the same ec_connector on both, with the same ec_enable_nixl (ECCPUConnector) or shared_storage_path (ECExampleConnector)',
    field: 'engine container args: --ec-transfer-config ec_connector',
    check(ctx) {
      const t = trio(ctx);
      const e = t && ecOf(t.encode);
      const p = ecOf(ctx.prefill);
      if (!t || !e?.ec_connector || !p?.ec_connector) return [];
      if (e.ec_connector !== p.ec_connector) {
        return [
          at(
            ctx.prefill,
            ecPath(ctx.prefill),
            `prefill loads EC connector ${String(p.ec_connector)} and the encode engine ${String(e.ec_connector)}: they store and fetch the encoder output in different ways, so prefill never finds it and encodes again; use ${String(e.ec_connector)} on both`,
            { currentValue: p.ec_connector, proposedValue: e.ec_connector },
          ),
        ];
      }
      if (e.ec_connector === EC_CPU_CONNECTOR && ecNixlEnabled(e) !== ecNixlEnabled(p)) {
        const off = ecNixlEnabled(e) ? ctx.prefill : t.encode;
        return [
          at(
            off,
            ecPath(off),
            `ECCPUConnector runs with ec_enable_nixl on the ${off === t.encode ? 'prefill' : 'encode'} engine and without it on the ${off.role} engine: one side fetches over NIXL and the other only looks in its own /dev/shm region; set "ec_connector_extra_config":{"ec_enable_nixl":true} on both`,
            { proposedValue: true },
          ),
        ];
      }
      if (e.ec_connector === EC_EXAMPLE_CONNECTOR && ecStoragePath(e) !== ecStoragePath(p)) {
        return [
          at(
            ctx.prefill,
            ecPath(ctx.prefill),
            `ECExampleConnector writes the encoder output under ${ecStoragePath(e)} on the encode engine and prefill reads it under ${ecStoragePath(p)}: prefill never finds it; set the same shared_storage_path on both`,
            { currentValue: ecStoragePath(p), proposedValue: ecStoragePath(e) },
          ),
        ];
      }
      return [];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-connector-local-only',
    needs: ['ecTransferConfig'],
    scope: 'pair',
    severity: 'error',
    summary: 'ECCPUConnector without ec_enable_nixl: the encoder output stays in the encode pod',
    fix: 'set ec_connector_extra_config.ec_enable_nixl true on the encode engine and prefill',
    field: 'engine container args: --ec-transfer-config ec_connector_extra_config.ec_enable_nixl',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.ec.mode !== 'local') return [];
      return [
        at(
          t.encode,
          ecPath(t.encode),
          `the encode engine runs ECCPUConnector without ec_enable_nixl, so its encoder output stays in an mmap region of its own pod's /dev/shm; prefill runs in other pods and never sees it (llm-d/llm-d #2535); set "ec_connector_extra_config":{"ec_enable_nixl":true} on the encode engine and prefill`,
          { proposedValue: true },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-connector-unknown',
    needs: ['ecTransferConfig'],
    scope: 'pair',
    severity: 'warning',
    summary: 'the encode engine uses an EC connector pd-disagg does not know',
    fix: 'use ECCPUConnector (ec_enable_nixl) or ECExampleConnector, or check that the sidecar protocol ec-example fits yours',
    field: 'engine container args: --ec-transfer-config ec_connector',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.ec.mode !== 'other') return [];
      const e = ecOf(t.encode)!;
      return [
        at(
          t.encode,
          ecPath(t.encode),
          `the encode engine's EC connector ${String(e.ec_connector)} is not one pd-disagg knows (ECCPUConnector, ECExampleConnector): the decode sidecar gets --ec-connector=ec-example, which sends the images to the encoders and then prefill without any transfer metadata, so it works only if ${String(e.ec_connector)} finds the output by mm_hash alone`,
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-nixl-router-version',
    scope: 'pair',
    severity: 'error',
    summary: "the encode engine moves the encoder cache over NIXL, and the router version's sidecar has no ec-nixl",
    fix: `raise spec.epp.version to ${EC_NIXL_SINCE} or later, or use ECExampleConnector on a volume both pods share`,
    field: 'spec.epp.version',
    check(ctx) {
      const t = trio(ctx);
      if (!t) return [];
      const have = routerTable(ctx.version).sidecar.ecConnectors;
      if (have.includes(t.ec.sidecarConnector)) return [];
      return [
        at(
          t.encode,
          ecPath(t.encode),
          `the encode engine serves its encoder output over NIXL (ECCPUConnector with ec_enable_nixl), which the decode sidecar drives with --ec-connector=${t.ec.sidecarConnector}; router ${ctx.version}'s sidecar has only ${have.join(', ')} (${t.ec.sidecarConnector} exists from ${ecConnectorSince(t.ec.sidecarConnector)}, llm-d-router #1444) and would never pass prefill the transfer metadata; raise the router version (spec.epp.version) to ${ecConnectorSince(t.ec.sidecarConnector)} or later, or move the cache through shared storage (ECExampleConnector on a ReadWriteMany volume both pods mount)`,
          { proposedValue: ecConnectorSince(t.ec.sidecarConnector) },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-sidecar-connector',
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar (the user's, or the one pd-disagg adds) has no --ec-connector, or not the one the EC connector needs",
    fix: 'pass --ec-connector=ec-nixl (ECCPUConnector with ec_enable_nixl) or ec-example (ECExampleConnector) to the sidecar',
    field: 'routing sidecar args: --ec-connector',
    check(ctx) {
      const t = trio(ctx);
      const s = ctx.sidecar;
      if (!t || !s) return [];
      if (!routerTable(ctx.version).sidecar.ecConnectors.includes(t.ec.sidecarConnector)) return []; // ec-nixl-router-version says it
      const flag = readSidecarEcConnector(ctx.version, s.container);
      if (flag?.value === t.ec.sidecarConnector) return [];
      const want = `--ec-connector=${t.ec.sidecarConnector}`;
      const what = flag?.value
        ? `has --ec-connector=${flag.value}, which does not speak the encode engine's EC connector`
        : 'has no --ec-connector, so it skips the encode stage and never sends an image to the encode pods';
      return [
        {
          message: `the decode pod's routing sidecar ${String(s.container.name ?? '')} ${what}; pass ${want}`,
          resource: ctx.decode.resource,
          path: flag ? `${s.containerPath}.${flag.path}` : `${s.containerPath}.args`,
          currentValue: flag?.value,
          proposedValue: want,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-storage-not-shared',
    scope: 'pair',
    severity: 'error',
    summary: 'ECExampleConnector: the encode engine and prefill do not mount the same volume at its shared_storage_path',
    fix: 'mount one ReadWriteMany PersistentVolumeClaim at the shared_storage_path in both pods',
    field: 'pod template volumes and volumeMounts',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.ec.mode !== 'shared-storage' || ecMode(ecOf(ctx.prefill)) !== 'shared-storage') return [];
      const path = ecStoragePath(ecOf(t.encode));
      const e = mountAt(t.encode, path);
      const p = mountAt(ctx.prefill, ecStoragePath(ecOf(ctx.prefill)));
      const claim = (v?: KObject) => (isPlainObject(v?.persistentVolumeClaim) ? v!.persistentVolumeClaim.claimName : undefined);
      const ce = claim(e?.volume);
      const cp = claim(p?.volume);
      if (ce !== undefined && ce === cp) return [];
      const place = (v: ReturnType<typeof mountAt>) =>
        v?.volume ? `volume ${String(v.volume.name)} (${claim(v.volume) ? `claim ${String(claim(v.volume))}` : 'not a PersistentVolumeClaim'})` : `nothing mounted there (the container's own filesystem)`;
      const off = ce === undefined ? t.encode : ctx.prefill;
      return [
        at(
          off,
          (off === t.encode ? e : p) ? `volumeMounts[${(off === t.encode ? e : p)!.index}]` : 'volumeMounts',
          `ECExampleConnector passes the encoder output as files under ${path}: the encode pod has ${place(e)} and prefill ${place(p)}, so prefill never finds a file and encodes every image again; mount the same ReadWriteMany PersistentVolumeClaim at ${path} in both pods (the llm-d-router samples use ec-cache-pvc)`,
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'ec-side-channel-dp',
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine runs several local data-parallel ranks with the NIXL encoder cache: they all bind the one EC side-channel port',
    fix: 'run one data-parallel rank per encode pod (--data-parallel-size 1) and scale the encode stage with replicas',
    field: 'encode engine container args: --data-parallel-size / --data-parallel-size-local',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.ec.mode !== 'nixl') return [];
      const dp = localDataParallel(t.encode.engine);
      if (dp.value <= 1) return [];
      const port = t.ec.sideChannelPort === undefined ? EC_SIDE_CHANNEL_PORT_ENV : `${EC_SIDE_CHANNEL_PORT_ENV} (${t.ec.sideChannelPort})`;
      return [
        at(
          t.encode,
          dp.path,
          `the encode engine runs ${dp.value} data-parallel ranks in one pod with ECCPUConnector's NIXL mode: each rank's scheduler binds its own ZMQ side channel on ${port}, with no per-rank offset (unlike the KV NixlConnector's port + DP rank), so every rank after the first fails to start with "Address already in use"; run one rank per encode pod (--data-parallel-size 1) and scale the encode stage with replicas`,
          { currentValue: dp.value, proposedValue: 1 },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'encode-off-pool-port',
    needs: ['port'],
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine does not serve on the port the InferencePool targets',
    fix: 'start the encode engine with --port equal to the pool port (spec.sidecar.port); it has no sidecar',
    field: 'encode engine container args: --port',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.encode.engine.port.value === ctx.poolPort) return [];
      return [
        at(
          t.encode,
          t.encode.engine.port.path,
          `the encode engine listens on ${t.encode.engine.port.value}${t.encode.engine.port.path ? '' : ' (the vLLM default)'}, but the InferencePool targets ${ctx.poolPort} on every pod and the encode pods have no sidecar to bridge it: the EPP hands the decode sidecar encode pods at ${ctx.poolPort}, where nothing answers; start it with --port=${ctx.poolPort}`,
          { currentValue: t.encode.engine.port.value, proposedValue: ctx.poolPort },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'encode-model-mismatch',
    needs: ['model'],
    scope: 'pair',
    severity: 'error',
    summary: 'the encode engine serves a different model string than prefill and decode',
    fix: 'pass the identical model string to all three engines',
    field: 'encode engine container args: the model',
    check(ctx) {
      const t = trio(ctx);
      if (!t) return [];
      const e = t.encode.engine.model?.value;
      const p = ctx.prefill.engine.model?.value;
      if (e === undefined || p === undefined || e === p) return [];
      if (t.encode.engine.configFile && !t.encode.engine.model?.path) return [];
      return [
        at(
          t.encode,
          t.encode.engine.model?.path,
          `the encode engine serves "${e}" and prefill "${p}": the encoder output is the vision tower's embedding of one model, keyed by that model's hash of the image, so prefill (and decode) of another model cannot use it; pass "${p}" to the encode engine too`,
          { currentValue: e, proposedValue: p },
        ),
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'encode-not-encoder-only',
    scope: 'pair',
    severity: 'warning',
    summary: 'the encode engine does not run with --mm-encoder-only',
    fix: 'add --mm-encoder-only to the encode engine',
    field: 'encode engine container args: --mm-encoder-only',
    check(ctx) {
      const t = trio(ctx);
      if (!t || t.encode.engine.mmEncoderOnly?.value === true || t.encode.engine.configFile) return [];
      return [
        at(
          t.encode,
          t.encode.engine.mmEncoderOnly?.path,
          `the encode engine runs without --mm-encoder-only, so it loads the whole language model next to the vision encoder and spends its GPU memory on a KV cache it never uses (every llm-d E/P/D sample passes it); add --mm-encoder-only`,
          { proposedValue: '--mm-encoder-only' },
        ),
      ];
    },
  }),
];

/** The ids of the E/P/D rules: the only ones that look at the encode engine. */
export const ENCODE_RULE_IDS: ReadonlySet<string> = new Set(encodeRules.map((r) => r.id));
