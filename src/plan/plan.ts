// Plan: decide every change before touching the YAML. Reads the discovered engines and the config; writes nothing.
// Its pair context is the planned result: each engine workload with the plan's operations applied to a plain copy
// (applyPlain, the same step reconcile runs before it edits the Document) and its engine container read again, so the
// rules (src/validate) check what will be written: the injected env, ports, /dev/shm volume and routing sidecar.

import type { PdConfig } from '../config/types.js';
import { ENCODE_ROLE, runtimeEnv, type EngineCandidate, type Role } from '../discover/engines.js';
import { httpPortCount, nixlConnectors, parseEngine } from '../engines/index.js';
import type { EngineModel } from '../engines/types.js';
import { formatPath, getIn, joinPath, type Path } from '../paths.js';
import {
  buildEppConfig,
  buildRoutingStack,
  buildSidecarContainer,
  EPP_CONFIG_KEY,
  isRoutingSidecar,
  POOL_TARGET_PORTS_MAX,
  prefillPortOf,
  readSidecarTarget,
  routerTable,
  sidecarKvConnectorFor,
  type SidecarConnector,
} from '../router/index.js';
import { isPlainObject, type KObject } from '../types.js';
import type { EcPlan, EngineSide, PairContext, StageSide } from './context.js';
import { EC_PORT_NAME, ecMode, ecSideChannelEnv, ecSideChannelPort, sidecarEcConnector } from './ec.js';
import { NIXL_BY_ENGINE, SHM_MOUNT_PATH, SHM_VOLUME_NAMES, localDataParallel, nixlPortName, sideChannelBasePort } from './nixl.js';
import { configChecksum, eppConfigYaml } from './epp-text.js';
import { userYamlText } from '../write/yaml-text.js';
import { applyPlain, CONFIG_ANNOTATION, PAIR_ANNOTATION, pairIdOf, POOL_LABEL } from './owned.js';
import { alphaPlugins } from '../router/rollout-screener.js';
import { ROLE_LABEL } from '../router/types.js';
import { noteRoles, setPoolSelector, setScreening } from './disaggregated-set.js';
import type { Op, Plan } from './types.js';

/** The EPP's prefix-cache block size when neither the config nor the decode engine sets one: vLLM's default block. */
export const DEFAULT_BLOCK_SIZE_TOKENS = 16;

export function plan(config: PdConfig, prefill: EngineCandidate, decode: EngineCandidate, encode?: EngineCandidate): Plan {
  const ops: Op[] = [];
  const name = config.name ?? baseName(prefill.workload.item.ref.name, decode.workload.item.ref.name);
  const namespace = decode.workload.item.ref.namespace;
  const version = config.epp.version;

  // Roles: the EPP's prefill-filter only admits pods labelled prefill, and its decode-filter admits unlabelled pods,
  // so both templates are labelled explicitly.
  for (const [role, c] of [['prefill', prefill], ['decode', decode]] as const) {
    ops.push({ op: 'ensure', item: c.workload.item, path: [...c.workload.templatePath, 'metadata', 'labels', ROLE_LABEL], value: role, note: `label ${ROLE_LABEL}=${role}` });
  }
  // E/P/D: the EPP's encode-filter admits pods labelled encode; the encode pods are in the pool like the other two
  if (encode) {
    ops.push({ op: 'ensure', item: encode.workload.item, path: [...encode.workload.templatePath, 'metadata', 'labels', ROLE_LABEL], value: ENCODE_ROLE, note: `label ${ROLE_LABEL}=${ENCODE_ROLE}` });
  }
  // The pool selects by a label of pd-disagg's own, set on both templates: labels the two happen to share (an LWS
  // pair's role: leader, a model label) may select other workloads.
  // A DisaggregatedSet's pods also carry the labels its controller and LWS set: the set's name, and worker-index 0 on
  // the leader (src/plan/disaggregated-set.ts), so the pool never takes a worker pod of a multi-node group.
  const poolSelector: Record<string, string> = { [POOL_LABEL]: name, ...setPoolSelector(decode) };
  // every stage's role in the rollout screener's required roles, in stage order (E/P/D: encode first)
  const stages = encode ? [encode, prefill, decode] : [prefill, decode];
  for (const c of encode ? [prefill, decode, encode] : [prefill, decode]) {
    ops.push({ op: 'ensure', item: c.workload.item, path: [...c.workload.templatePath, 'metadata', 'labels', POOL_LABEL], value: name, note: `pool label ${POOL_LABEL}=${name}` });
  }
  // SGLang pods carry the engine-type label the EPP's metrics extractor reads; unlabelled pods get vLLM's metric names.
  const engineTypeLabel = routerTable(version).engineTypeLabel;
  for (const c of [prefill, decode]) {
    if (c.engine.kind !== 'sglang') continue;
    ops.push({ op: 'ensure', item: c.workload.item, path: [...c.workload.templatePath, 'metadata', 'labels', engineTypeLabel], value: 'sglang', note: `label ${engineTypeLabel}=sglang` });
  }

  // NIXL plumbing on both engines.
  const sideChannelPort: PairContext['sideChannelPort'] = {};
  for (const [role, c] of [['prefill', prefill], ['decode', decode]] as const) {
    const port = planNixl(c, ops);
    if (port !== undefined) sideChannelPort[role] = port;
  }
  // E/P/D: what the encode engine's EC connector needs (no sidecar: the pool reaches it on the pool port)
  const ec = encode ? planEc(encode, ops) : undefined;

  // Data-parallel HTTP ports: with vLLM's multi-port external LB every local rank serves port + rank; the pool then
  // targets every rank's port (InferencePool v1 allows POOL_TARGET_PORTS_MAX; more is refused by dp-ports-over-pool-limit).
  const httpPorts = { prefill: httpPortCount(prefill.engine).value, decode: httpPortCount(decode.engine).value };
  const poolPortCount = Math.min(POOL_TARGET_PORTS_MAX, Math.max(1, httpPorts.prefill, httpPorts.decode, encode ? httpPortCount(encode.engine).value : 1));

  // The decode pod's routing sidecar: keep the user's, or inject one for this router version.
  const sidecarPort = config.sidecar.port;
  // E/P/D: the sidecar's encoder-cache protocol; one the version lacks is left out (a rule refuses the render)
  const ecConnector = ec && routerTable(version).sidecar.ecConnectors.includes(ec.sidecarConnector) ? ec.sidecarConnector : undefined;
  const sidecar = planSidecar(config, prefill, decode, ops, Math.max(1, Math.min(POOL_TARGET_PORTS_MAX, httpPorts.decode)), ecConnector);

  // EPP config.
  const blockSizeTokens = config.epp.blockSizeTokens ?? decode.engine.blockSize?.value ?? DEFAULT_BLOCK_SIZE_TOKENS;
  const knobs = {
    decider: config.epp.decider,
    nonCachedTokens: config.epp.nonCachedTokens,
    promptTokens: config.epp.promptTokens,
    blockSizeTokens,
    scorerWeights: config.epp.scorerWeights,
    ...setScreening(poolSelector, decode, stages),
    ...(encode ? { encode: true } : {}),
  };
  const generatedConfig = !config.epp.config;
  const eppObject = config.epp.config ?? buildEppConfig(version, knobs);
  const eppText = generatedConfig ? eppConfigYaml(version, knobs) : userYamlText(config.epp.config);
  // The stack carries the EPP ConfigMap; with the router disabled only that ConfigMap is kept.
  const configMapName = `${name}-epp-config`;
  const stack = buildRoutingStack({
    version,
    name,
    namespace,
    poolSelector,
    targetPort: sidecarPort,
    targetPortCount: Math.min(poolPortCount, 65536 - sidecarPort),
    configMapName,
    configKey: EPP_CONFIG_KEY,
    configText: eppText,
    configChecksum: configChecksum(eppObject),
    gateway: config.router.gateway,
    metricsAuth: config.router.metricsAuth,
    allowExperimentalPlugins: alphaPlugins(version, eppObject).length > 0,
  });
  const isConfigMap = (o: KObject) => o.kind === 'ConfigMap' && o.metadata.name === configMapName;
  const configMap = stack.find(isConfigMap)!;
  const generated = config.router.enabled ? stack : [configMap];
  // the pair marker (src/plan/owned.ts): a later render finds them by it, whatever the config is called by then
  const pairId = pairIdOf(decode.workload.item.ref);
  const configMarker = config.id !== undefined ? { [CONFIG_ANNOTATION]: config.id } : {};
  for (const object of generated) object.metadata.annotations = { ...(object.metadata.annotations ?? {}), [PAIR_ANNOTATION]: pairId, ...configMarker };
  for (const object of generated) ops.push({ op: 'upsert', object, note: `${object.kind}/${object.metadata.name}` });

  const plannedDecode = plannedSide('decode', decode, ops);
  const pair: PairContext = {
    version,
    prefill: plannedSide('prefill', prefill, ops),
    decode: plannedDecode,
    poolPort: sidecarPort,
    poolPortCount,
    httpPorts,
    sidecar: sidecar && { ...sidecar.context, container: getIn(plannedDecode.object, sidecar.path) as KObject },
    eppBlockSizeTokens: blockSizeTokens,
    sideChannelPort,
    // every stage is a role of the one set, or none is (src/plan/disaggregated-set.ts)
    ...(decode.workload.setRole
      ? {
          set: {
            resource: decode.workload.item.ref,
            roles: decode.workload.setRole.roleNames.filter((r) => r !== ''),
            stageRoles: stages.map((c) => c.workload.setRole?.name ?? ''),
          },
        }
      : {}),
    ...(encode && ec ? { encode: plannedStage('encode', encode, ops), ec } : {}),
  };
  return {
    name,
    namespace,
    ops: noteRoles(ops),
    epp: { object: eppObject, text: eppText, generated: generatedConfig, configMap, key: EPP_CONFIG_KEY, knobs },
    pair,
    generated,
    configRef: config.ref,
  };
}

/** The engine workload as it will be written: the plan's edits of its item applied to a copy, and its engine container
 * read again from that copy (its env then holds what the plan injects). */
function plannedSide(role: Role, c: EngineCandidate, ops: readonly Op[]): EngineSide {
  return { ...plannedStage(role, c, ops), role };
}

function plannedStage(role: StageSide['role'], c: EngineCandidate, ops: readonly Op[]): StageSide {
  const object = structuredClone(c.workload.item.object);
  const planned = new Set<string>();
  for (const op of ops) {
    if (op.op === 'upsert' || op.item !== c.workload.item) continue;
    const current = getIn(object, op.path);
    if (op.op === 'append') planned.add(formatPath([...op.path, Array.isArray(current) ? current.length : 0]));
    applyPlain(object, op);
  }
  const container = getIn(object, c.containerPath) as KObject;
  const template = getIn(object, c.workload.templatePath);
  // what the workload controller injects (LeaderWorkerSet's size) is read from the workload: the plan never edits it
  const engine = parseEngine(container, runtimeEnv(c.workload), c.named);
  // the plan only adds env, ports and mounts to a container that launches an engine: it still does
  if (!engine) throw new Error(`${role} engine container no longer launches an engine once planned`);
  return {
    role,
    resource: c.workload.item.ref,
    object,
    templatePath: formatPath(c.workload.templatePath),
    template: isPlainObject(template) ? template : {},
    containerPath: formatPath(c.containerPath),
    container,
    engine,
    replicas: c.workload.replicas,
    planned,
    ...(c.workload.setRole ? { setRole: c.workload.setRole.name } : {}),
  };
}

/** `qwen-prefill` + `qwen-decode` → `qwen` (the leading dash-separated words they share); nothing shared → the decode name. */
export function baseName(prefillName: string, decodeName: string): string {
  const a = prefillName.split('-');
  const b = decodeName.split('-');
  let n = 0;
  while (n < a.length - 1 && n < b.length - 1 && a[n] === b[n]) n++;
  const stem = n > 0 ? a.slice(0, n).join('-') : decodeName;
  return stem.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 48).replace(/^-+|-+$/g, '') || 'pd-disagg';
}

/** Whether an engine gets the NIXL plumbing (NIXL_BY_ENGINE): not when its KV connector is one the sidecar drives by
 * another protocol (vLLM MooncakeConnector: a bootstrap server, not NIXL's side channel; SGLang, whose table entry is
 * empty anyway) and it loads no NIXL connector besides. An unknown connector keeps it, as before. /dev/shm is planned
 * either way. */
function usesNixl(engine: EngineModel): boolean {
  if (nixlConnectors(engine).length > 0) return true;
  const wiring = sidecarKvConnectorFor(engine);
  return !wiring || wiring.connector === 'nixlv2';
}

function planNixl(c: EngineCandidate, ops: Op[]): number | undefined {
  if (!usesNixl(c.engine)) {
    planShm(c, ops);
    return undefined;
  }
  const spec = NIXL_BY_ENGINE[c.engine.kind];
  const item = c.workload.item;
  const containerPath = c.containerPath;
  for (const [envName, source] of Object.entries(spec.inject)) {
    if (c.engine.env[envName]) continue;
    ops.push({ op: 'append', item, path: [...containerPath, 'env'], value: { name: envName, ...source }, note: `env ${envName}` });
  }
  let port: number | undefined;
  if (spec.portEnv) {
    // one port per local DP rank: [base, base + DP_local); a non-literal port env cannot be declared from here
    port = sideChannelBasePort(c.engine);
    const count = Math.max(1, localDataParallel(c.engine).value);
    const taken = new Set(podPortNames(c));
    for (let rank = 0; port !== undefined && rank < count && port + rank <= 65535; rank++) {
      const number = port + rank;
      if (declaresPort(c.container, number)) continue;
      const name = nixlPortName(rank);
      ops.push({
        op: 'append',
        item,
        path: [...containerPath, 'ports'],
        value: { ...(taken.has(name) ? {} : { name }), containerPort: number, protocol: 'TCP' },
        note: `container port ${number} (NIXL side channel${count > 1 ? `, DP rank ${rank}` : ''})`,
      });
      taken.add(name);
    }
  }
  planShm(c, ops);
  return port;
}

/** The encode engine's encoder-cache plumbing (src/plan/ec.ts): for ECCPUConnector's NIXL mode the side-channel host
 * the consumer dials (its default, localhost, makes prefill dial itself) and port, declared; for ECCPUConnector a
 * Memory /dev/shm for its mmap region. A shared-storage connector needs a volume both pods share, which only a rule
 * can ask for. */
function planEc(c: EngineCandidate, ops: Op[]): EcPlan {
  const mode = ecMode(c.engine.ecTransferConfig?.value);
  const plan: EcPlan = { mode, sidecarConnector: sidecarEcConnector(mode) };
  const item = c.workload.item;
  if (mode === 'nixl') {
    for (const [envName, source] of Object.entries(ecSideChannelEnv())) {
      if (c.engine.env[envName]) continue;
      ops.push({ op: 'append', item, path: [...c.containerPath, 'env'], value: { name: envName, ...source }, note: `env ${envName}` });
    }
    const port = ecSideChannelPort(c.engine);
    if (port !== undefined) {
      plan.sideChannelPort = port;
      if (!declaresPort(c.container, port)) {
        const named = podPortNames(c).includes(EC_PORT_NAME) ? {} : { name: EC_PORT_NAME };
        ops.push({ op: 'append', item, path: [...c.containerPath, 'ports'], value: { ...named, containerPort: port, protocol: 'TCP' }, note: `container port ${port} (EC side channel)` });
      }
    }
  }
  if (mode === 'nixl' || mode === 'local') planShm(c, ops);
  return plan;
}

/** Does the container declare this containerPort already? */
function declaresPort(container: KObject, port: number): boolean {
  return Array.isArray(container.ports) && container.ports.some((p: unknown) => isPlainObject(p) && Number(p.containerPort) === port);
}

/** Reuse a /dev/shm mount when there is one; otherwise add a Memory emptyDir and mount it — never a volume alone. Its
 * name: dshm, else pd-disagg-shm, else the first free pd-disagg-shm-N (N ≥ 2). */
function planShm(c: EngineCandidate, ops: Op[]): void {
  const mounts = c.container.volumeMounts;
  if (Array.isArray(mounts) && mounts.some((m: unknown) => isPlainObject(m) && m.mountPath === SHM_MOUNT_PATH)) return;
  const volumes = getIn(c.workload.template, ['spec', 'volumes']);
  const taken = new Set<unknown>();
  if (Array.isArray(volumes)) for (const v of volumes) if (isPlainObject(v)) taken.add(v.name);
  let volumeName = SHM_VOLUME_NAMES.find((n) => !taken.has(n));
  for (let n = 2; volumeName === undefined; n++) if (!taken.has(`pd-disagg-shm-${n}`)) volumeName = `pd-disagg-shm-${n}`;
  const item = c.workload.item;
  ops.push({ op: 'append', item, path: [...c.workload.templatePath, 'spec', 'volumes'], value: { name: volumeName, emptyDir: { medium: 'Memory' } }, note: `volume ${volumeName} (Memory)` });
  ops.push({ op: 'append', item, path: [...c.containerPath, 'volumeMounts'], value: { name: volumeName, mountPath: SHM_MOUNT_PATH }, note: `${SHM_MOUNT_PATH} mount` });
}

function podPortNames(c: EngineCandidate): string[] {
  const names: string[] = [];
  for (const list of ['containers', 'initContainers']) {
    const containers = getIn(c.workload.template, ['spec', list]);
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isPlainObject(container) || !Array.isArray(container.ports)) continue;
      for (const p of container.ports) if (isPlainObject(p) && typeof p.name === 'string') names.push(p.name);
    }
  }
  return names;
}

/** The --kv-connector pd-disagg injects for the decode engine (src/router/versions/shared.ts SIDECAR_WIRING_*): the one
 * that speaks its KV protocol, or the sidecar's default nixlv2 when none of the recorded ones does. */
export function injectedKvConnector(decode: EngineModel): SidecarConnector {
  return sidecarKvConnectorFor(decode)?.connector ?? 'nixlv2';
}

/** The decode pod's routing sidecar and its path in the pod (its container is read from the planned workload). */
function planSidecar(
  config: PdConfig,
  prefill: EngineCandidate,
  decode: EngineCandidate,
  ops: Op[],
  dataParallelSize: number,
  ecConnector?: string,
): { context: NonNullable<PairContext['sidecar']>; path: Path } | undefined {
  const version = config.epp.version;
  const templateSpec = [...decode.workload.templatePath, 'spec'];
  for (const list of ['initContainers', 'containers'] as const) {
    const containers = getIn(decode.workload.template, ['spec', list]);
    if (!Array.isArray(containers)) continue;
    const index = containers.findIndex((c, i) => isPlainObject(c) && !(list === 'containers' && i === decode.containerIndex) && isRoutingSidecar(c));
    if (index < 0) continue;
    const container = containers[index] as KObject;
    const containerPath: Path = [...templateSpec, list, index];
    const target = readSidecarTarget(version, container);
    const context = {
      containerPath: formatPath(containerPath),
      container,
      targetPort: target.port,
      targetPath: target.path ? joinPath(containerPath, target.path) : undefined,
      injected: false,
    };
    return { context, path: containerPath };
  }
  const engine: EngineModel = decode.engine;
  // the connector that speaks the decode engine's protocol; a version whose sidecar lacks it gets no sidecar, and
  // the rule sidecar-kv-connector-missing refuses the pair
  const connector = injectedKvConnector(engine);
  const wiring = routerTable(version).sidecar.kvWiring[connector];
  if (!wiring) return undefined;
  // the port the prefill serves the connector's bootstrap server on; one not readable here is left to the sidecar's
  // default, and the bootstrap-port rules say so
  const prefillPort = prefillPortOf(wiring, prefill.engine);
  const container = buildSidecarContainer(version, {
    enginePort: engine.port.value,
    listenPort: config.sidecar.port,
    connector,
    native: config.sidecar.native,
    image: config.sidecar.image,
    dataParallelSize,
    ...(prefillPort && !prefillPort.unknown ? { prefillPort: prefillPort.value } : {}),
    ...(ecConnector ? { ecConnector } : {}),
  });
  const list = config.sidecar.native ? 'initContainers' : 'containers';
  const existing = getIn(decode.workload.template, ['spec', list]);
  const index = Array.isArray(existing) ? existing.length : 0;
  ops.push({ op: 'append', item: decode.workload.item, path: [...templateSpec, list], value: container, note: `routing sidecar ${container.name} (${version})` });
  const path: Path = [...templateSpec, list, index];
  // where it forwards, read back from the container as built (as for a user's sidecar)
  const target = readSidecarTarget(version, container);
  return { context: { containerPath: formatPath(path), container, targetPort: target.port, ...(target.path ? { targetPath: joinPath(path, target.path) } : {}), injected: true }, path };
}
