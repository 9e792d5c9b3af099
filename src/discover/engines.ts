// Discover, part 2: the engine container of each workload, and which workload plays prefill and which decode.
// Roles come from the config when it names the workloads; otherwise from, in order, the pod template label
// llm-d.ai/role, the kv_role of the KV transfer config, and SGLang's --disaggregation-mode.

import { isMultiRoleKind, stageField, type PdConfig, type WorkloadSelector } from '../config/types.js';
import { parseEngine, whyNotEngine, type RuntimeEnv } from '../engines/index.js';
import { EC_PRODUCER, type EngineModel } from '../engines/types.js';
import { formatPath, getIn, type Path } from '../paths.js';
import { ROLE_LABEL } from '../router/types.js';
import { isPlainObject, type KObject, type Result } from '../types.js';
import { isPassThrough, type Item } from '../read/items.js';
import { asWorkloads, describe, describeWorkload, DISAGGREGATED_SET_GROUP, findWorkloads, unsupportedKind, type Workload } from './workloads.js';

export type Role = 'prefill' | 'decode';
/** The id discovery errors carry (not a registry rule: they stop the run before any rule runs). */
export const DISCOVERY_RULE = 'discovery';

/** Container names that mark the engine, in order of preference. */
const ENGINE_CONTAINER_NAMES = ['engine', 'vllm', 'sglang'];

export interface EngineCandidate {
  workload: Workload;
  containerIndex: number;
  containerPath: Path;
  container: KObject;
  engine: EngineModel;
  /** the config named this container as the engine (parseEngine then also infers an image's entrypoint) */
  named: boolean;
}

export interface Discovery {
  prefill?: EngineCandidate;
  decode?: EngineCandidate;
  /** E/P/D: the workload running the multimodal encoder, when the config names one or exactly one claims the role */
  encode?: EngineCandidate;
  results: Result[];
}

type EngineLookup = { candidate: EngineCandidate } | { problem: string };
/** The role label value of an encode stage (llm-d-router docs/disaggregation.md; vLLM ECTransferConfig). */
export const ENCODE_ROLE = 'encode';

/** The engine container of a workload: the one the config names; else a container named engine/vllm/sglang; else the
 * one container launching an engine. A problem names each container and why it was not taken. */
export function locateEngine(workload: Workload, containerName?: string, containerField = 'spec.prefill.container or spec.decode.container'): EngineLookup {
  const located = locateIn(workload, containerName, containerField);
  if ('candidate' in located || !workload.lwsSpecPath || workload.templatePath[workload.templatePath.length - 1] !== 'leaderTemplate') {
    return located;
  }
  // the leader serves the API the router talks to: an engine only in the workers is never reached
  const workerPath = [...workload.templatePath.slice(0, -1), 'workerTemplate'];
  const worker = getIn(workload.item.object, workerPath);
  if (!isPlainObject(worker)) return located;
  const inWorkers = locateIn({ ...workload, templatePath: workerPath, template: worker }, containerName, containerField);
  if (!('candidate' in inWorkers)) return located;
  return {
    problem:
      `its leaderTemplate runs no vLLM or SGLang engine while its workerTemplate does (container "${String(inWorkers.candidate.container.name)}" at ` +
      `${formatPath(inWorkers.candidate.containerPath)}): the leader pod serves the API the routing sidecar and the EPP talk to, so start the engine ` +
      `(the same launch line, as rank 0) in the leaderTemplate's containers, or remove leaderTemplate so every pod uses the workerTemplate`,
  };
}

function locateIn(workload: Workload, containerName: string | undefined, containerField: string): EngineLookup {
  const containers = workload.template.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return { problem: 'its pod template has no containers' };
  const env = runtimeEnv(workload);
  const at = (index: number, named = false): EngineCandidate | undefined => {
    const container = containers[index];
    if (!isPlainObject(container)) return undefined;
    const engine = parseEngine(container, env, named);
    if (!engine) return undefined;
    const containerPath = [...workload.templatePath, 'spec', 'containers', index];
    return { workload, containerIndex: index, containerPath, container, engine, named };
  };
  const nameOf = (c: unknown, i: number) => (isPlainObject(c) && typeof c.name === 'string' ? `"${c.name}"` : `#${i}`);
  if (containerName !== undefined) {
    const index = containers.findIndex((c) => isPlainObject(c) && c.name === containerName);
    if (index < 0) {
      return { problem: `it has no container named "${containerName}" (its containers: ${containers.map(nameOf).join(', ')}); fix the container name in the config` };
    }
    const candidate = at(index, true);
    if (candidate) return { candidate };
    return { problem: `its container "${containerName}", named as the engine container in the config, does not launch vLLM or SGLang: ${whyNotEngine(containers[index])}` };
  }
  for (const name of ENGINE_CONTAINER_NAMES) {
    const index = containers.findIndex((c) => isPlainObject(c) && c.name === name);
    if (index < 0) continue;
    const candidate = at(index);
    if (candidate) return { candidate };
    return {
      problem: `its container "${name}" does not launch vLLM or SGLang: ${whyNotEngine(containers[index])}; put the launch line in command/args, or name the engine container in the config (${containerField})`,
    };
  }
  const found = containers.map((_, i) => at(i)).filter((c): c is EngineCandidate => c !== undefined);
  if (found.length === 1) return { candidate: found[0]! };
  if (found.length === 0) {
    const why = containers.map((c, i) => `container ${nameOf(c, i)}: ${whyNotEngine(c as KObject)}`).join('; ');
    return { problem: `none of its containers launches vLLM or SGLang (${why}); name the engine container in the config (${containerField}) or give it a command that launches the engine` };
  }
  return {
    problem: `several containers launch an engine (${found.map((c) => c.container.name).join(', ')}); name the serving one in the config (${containerField})`,
  };
}

/** What the workload controller injects into every container: LeaderWorkerSet sets LWS_GROUP_SIZE to its size (known
 * from the manifest) and LWS_LEADER_ADDRESS, LWS_WORKER_INDEX per pod (kubernetes-sigs/lws, pod webhook); so does a
 * DisaggregatedSet role, whose pods are LeaderWorkerSet pods. */
export function runtimeEnv(workload: Workload): RuntimeEnv {
  if (!workload.lwsSpecPath) return {};
  const size = getIn(workload.item.object, [...workload.lwsSpecPath, 'leaderWorkerTemplate', 'size']);
  return {
    LWS_GROUP_SIZE: typeof size === 'number' && Number.isInteger(size) ? String(size) : size === undefined ? '1' : null,
    LWS_LEADER_ADDRESS: null,
    LWS_WORKER_INDEX: null,
  };
}

/** Which role a workload claims by itself, and from what. */
export function impliedRole(candidate: EngineCandidate): { role: Role; source: string } | undefined {
  const label = candidate.workload.template.metadata?.labels?.[ROLE_LABEL];
  if (label === 'prefill' || label === 'decode') return { role: label, source: `label ${ROLE_LABEL}=${label}` };
  const kvRole = candidate.engine.kvTransferConfig?.value.kv_role;
  if (kvRole === 'kv_producer') return { role: 'prefill', source: 'kv_role kv_producer' };
  if (kvRole === 'kv_consumer') return { role: 'decode', source: 'kv_role kv_consumer' };
  const mode = candidate.engine.sglang?.mode?.value;
  if (mode === 'prefill' || mode === 'decode') return { role: mode, source: `--disaggregation-mode ${mode}` };
  const setRole = candidate.workload.setRole?.name;
  if (setRole === 'prefill' || setRole === 'decode') return { role: setRole, source: `its DisaggregatedSet role name ${setRole}` };
  return undefined;
}

export function discoverEngines(items: Parameters<typeof findWorkloads>[0], config: PdConfig): Discovery {
  const workloads = findWorkloads(items, config);
  const results: Result[] = [];
  const chosen: Partial<Record<Role, EngineCandidate>> = {};

  for (const role of ['prefill', 'decode'] as const) {
    const selector = config[role];
    if (!selector) continue;
    const picked = pickNamed(role, selector, workloads, items, config, results);
    if (picked) chosen[role] = picked;
  }

  const open = (['prefill', 'decode'] as const).filter((role) => !config[role]);
  if (open.length > 0) {
    const taken = new Set(Object.values(chosen).map((c) => c.workload.item));
    const takenRoles = new Set(Object.values(chosen).map((c) => workloadKey(c.workload)));
    const engines: EngineCandidate[] = [];
    // workloads labelled with a role whose engine container was not found, and why
    const unlocated: Array<{ workload: Workload; role: Role; problem: string }> = [];
    for (const w of workloads) {
      if (w.setRole ? takenRoles.has(workloadKey(w)) : taken.has(w.item)) continue;
      const label = w.template.metadata?.labels?.[ROLE_LABEL];
      const field = label === 'prefill' || label === 'decode' ? stageField(config.form, label, 'container') : undefined;
      const located = locateEngine(w, undefined, field);
      if ('candidate' in located) engines.push(located.candidate);
      else if (label === 'prefill' || label === 'decode') unlocated.push({ workload: w, role: label, problem: located.problem });
    }
    for (const role of open) {
      const matches = engines.map((c) => ({ c, why: impliedRole(c) })).filter((m) => m.why?.role === role);
      if (matches.length === 1) {
        chosen[role] = matches[0]!.c;
        continue;
      }
      const hint =
        role === 'prefill'
          ? `label its pod template ${ROLE_LABEL}: prefill, give it kv_role kv_producer, or name it in spec.prefill`
          : `label its pod template ${ROLE_LABEL}: decode, give it kv_role kv_consumer, or name it in spec.decode`;
      const labelled = unlocated.filter((u) => u.role === role);
      if (matches.length === 0 && labelled.length > 0) {
        for (const u of labelled) {
          results.push({
            message: `${describeWorkload(u.workload)} is labelled ${ROLE_LABEL}=${role} but ${u.problem}`,
            severity: 'error',
            resourceRef: u.workload.item.ref,
            field: { path: formatPath([...u.workload.templatePath, 'spec', 'containers']) },
            tags: { rule: DISCOVERY_RULE },
          });
        }
        continue;
      }
      if (matches.length === 0) {
        const seen = engines.length
          ? `engine workloads seen: ${engines.map((c) => describeWorkload(c.workload)).join(', ')}`
          : `no Deployment, StatefulSet, LeaderWorkerSet or DisaggregatedSet role among the items launches vLLM or SGLang`;
        results.push(discoveryError(`no ${role} engine found (${seen}); ${hint}`, config));
      } else {
        const list = matches.map((m) => `${describeWorkload(m.c.workload)} (${m.why!.source})`).join(', ');
        results.push(discoveryError(`several ${role} candidates: ${list}; name the ${role} workload in spec.${role}`, config));
      }
    }
  }

  if (chosen.prefill && chosen.decode && workloadKey(chosen.prefill.workload) === workloadKey(chosen.decode.workload)) {
    results.push(
      discoveryError(
        `${describeWorkload(chosen.prefill.workload)} is named as both prefill and decode; prefill and decode must be separate workloads${chosen.prefill.workload.setRole ? ' (two roles of the set)' : ''}`,
        config,
      ),
    );
    return { results };
  }
  const mixed = chosen.prefill && chosen.decode ? mixedSet(chosen.prefill.workload, chosen.decode.workload) : undefined;
  if (mixed) {
    results.push(discoveryError(mixed, config));
    return { results };
  }
  const encode = discoverEncode(workloads, items, config, chosen, results);
  // E/P/D from a set: the encode stage is a role of the same set too (it rolls out with the others)
  const mixedEncode = encode && chosen.decode ? mixedSet(encode.workload, chosen.decode.workload, 'encode') : undefined;
  if (mixedEncode) {
    results.push(discoveryError(mixedEncode, config));
    return { results };
  }
  return { ...chosen, ...(encode ? { encode } : {}), results };
}

/** The encode stage: the workload the config names, else the one workload whose pod template is labelled
 * llm-d.ai/role=encode or whose engine is an encoder-cache producer. None found is a pair, as before. */
function discoverEncode(
  workloads: readonly Workload[],
  items: readonly Item[],
  config: PdConfig,
  chosen: Partial<Record<Role, EngineCandidate>>,
  results: Result[],
): EngineCandidate | undefined {
  const taken = (c: EngineCandidate) => Object.entries(chosen).find(([, o]) => workloadKey(o.workload) === workloadKey(c.workload))?.[0];
  let encode: EngineCandidate | undefined;
  if (config.encode) {
    encode = pickNamed('encode', config.encode, workloads, items, config, results);
    const also = encode && taken(encode);
    if (also) {
      results.push(discoveryError(`${describeWorkload(encode!.workload)} is named as both encode and ${also}; the encode stage must be a workload of its own`, config, stageField(config.form, 'encode')));
      return undefined;
    }
  } else {
    const candidates: Array<{ c: EngineCandidate; why: string }> = [];
    for (const w of workloads) {
      if (Object.values(chosen).some((c) => workloadKey(c.workload) === workloadKey(w))) continue;
      const label = w.template.metadata?.labels?.[ROLE_LABEL];
      const located = locateEngine(w, undefined, stageField(config.form, 'encode', 'container'));
      if (!('candidate' in located)) {
        if (label === ENCODE_ROLE) {
          results.push({
            message: `${describeWorkload(w)} is labelled ${ROLE_LABEL}=${ENCODE_ROLE} but ${located.problem}`,
            severity: 'error',
            resourceRef: w.item.ref,
            field: { path: formatPath([...w.templatePath, 'spec', 'containers']) },
            tags: { rule: DISCOVERY_RULE },
          });
        }
        continue;
      }
      const ecRole = located.candidate.engine.ecTransferConfig?.value.ec_role;
      if (label === ENCODE_ROLE) candidates.push({ c: located.candidate, why: `label ${ROLE_LABEL}=${ENCODE_ROLE}` });
      else if (w.setRole?.name === ENCODE_ROLE) candidates.push({ c: located.candidate, why: `its DisaggregatedSet role name ${ENCODE_ROLE}` });
      else if (ecRole === EC_PRODUCER && label === undefined && !located.candidate.engine.kvTransferConfig) {
        candidates.push({ c: located.candidate, why: `ec_role ${EC_PRODUCER}` });
      }
    }
    if (candidates.length > 1) {
      const list = candidates.map((m) => `${describeWorkload(m.c.workload)} (${m.why})`).join(', ');
      results.push(discoveryError(`several encode candidates: ${list}; name the encode workload in ${stageField(config.form, 'encode')}`, config));
      return undefined;
    }
    encode = candidates[0]?.c;
  }
  if (encode && encode.engine.kind !== 'vllm') {
    results.push({
      message: `${describeWorkload(encode.workload)} is the encode stage but runs ${encode.engine.kind}; pd-disagg wires vLLM encoders (--mm-encoder-only with --ec-transfer-config), the llm-d router's E/P/D protocol`,
      severity: 'error',
      resourceRef: encode.workload.item.ref,
      field: { path: formatPath(encode.containerPath) },
      tags: { rule: DISCOVERY_RULE },
    });
    return undefined;
  }
  return encode;
}

/** One workload (one role of a DisaggregatedSet) as a key: the item, and the role's index. */
function workloadKey(w: Workload): string {
  return `${w.item.index}:${w.setRole?.index ?? ''}`;
}

/**
 * A DisaggregatedSet rolls its roles out together, and the router (v0.10.0's disaggregatedset-rollout-screener) pairs
 * only pods of one revision of one set: a stage taken from a set pairs only with another role of the same set.
 */
function mixedSet(stage: Workload, decode: Workload, stageName: 'prefill' | 'encode' = 'prefill'): string | undefined {
  if (!stage.setRole && !decode.setRole) return undefined;
  if (stage.setRole && decode.setRole && stage.item === decode.item) return undefined;
  return (
    `${stageName} is ${describeWorkload(stage)} and decode is ${describeWorkload(decode)}: a DisaggregatedSet's roles pair only with ` +
    `roles of the same set (its controller rolls them out as one revision, and the router pairs pods of one revision); ` +
    `take every stage from one DisaggregatedSet (spec.${stageName} and spec.decode with the same name and their roles), or deploy none as one`
  );
}

function pickNamed(
  role: Role | 'encode',
  selector: WorkloadSelector,
  workloads: readonly Workload[],
  items: readonly Item[],
  config: PdConfig,
  results: Result[],
): EngineCandidate | undefined {
  const byName = workloads.filter((w) => w.item.ref.name === selector.name && (!selector.kind || w.kind === selector.kind));
  const field = stageField(config.form, role);
  const roleField = stageField(config.form, role, 'role');
  const containerField = stageField(config.form, role, 'container');
  let matches = byName;
  const sets = [...new Set(byName.filter((w) => w.setRole).map((w) => w.item))];
  if (sets.length === 1 && byName.every((w) => w.item === sets[0])) {
    // one DisaggregatedSet: the role the config names, else the one role that claims this stage by itself
    const roles = byName.map((w) => w.setRole!.name);
    if (selector.role !== undefined) {
      matches = byName.filter((w) => w.setRole!.name === selector.role);
      if (matches.length === 0) {
        results.push(
          discoveryError(
            `${roleField} names role "${selector.role}", which ${describe(sets[0]!.ref)} does not have (its roles: ${roles.join(', ')}); ` +
              `name one of its spec.roles[].name`,
            config,
            roleField,
          ),
        );
        return undefined;
      }
    } else {
      const claiming = byName.filter((w) => {
        const located = locateEngine(w, selector.container, containerField);
        return 'candidate' in located && impliedRole(located.candidate)?.role === role;
      });
      if (claiming.length !== 1) {
        results.push(
          discoveryError(
            `${field} names ${describe(sets[0]!.ref)}, whose roles are ${roles.join(', ')}; ` +
              `${claiming.length === 0 ? `none of them claims ${role} by itself` : `several claim ${role} (${claiming.map((w) => w.setRole!.name).join(', ')})`}: ` +
              `name the role that plays ${role} in ${roleField}`,
            config,
            field,
          ),
        );
        return undefined;
      }
      matches = claiming;
    }
  }
  if (matches.length === 0) {
    const unsupported = items.filter((i) => i.ref.name === selector.name && !isPassThrough(i, config.ref) && asWorkloads(i).length === 0);
    const known = unsupported.map((i) => ({ item: i, kind: unsupportedKind(i.ref) })).find((u) => u.kind);
    if (known || unsupported.length > 0) {
      const item = known?.item ?? unsupported[0]!;
      if (item.ref.kind === 'DisaggregatedSet' && DISAGGREGATED_SET_GROUP.test(item.ref.apiVersion)) {
        results.push({
          message: `${field} names ${describe(item.ref)}, which has no role with a pod template (spec.roles[].spec.leaderWorkerTemplate.leaderTemplate or .workerTemplate); give its roles their LeaderWorkerSet templates`,
          severity: 'error',
          resourceRef: item.ref,
          field: { path: 'spec.roles' },
          tags: { rule: DISCOVERY_RULE },
        });
        return undefined;
      }
      const what = known?.kind ? `${known.kind.what}; ${known.kind.instead}` : `pd-disagg reads Deployment, StatefulSet, LeaderWorkerSet and DisaggregatedSet workloads; name the workload that runs the engine pods`;
      results.push({
        message: `${field} names ${describe(item.ref)} (${item.ref.apiVersion}), an unsupported kind: ${what}`,
        severity: 'error',
        resourceRef: item.ref,
        tags: { rule: DISCOVERY_RULE },
      });
      return undefined;
    }
    const available = workloads.map((w) => describe(w.item.ref)).join(', ') || 'none';
    results.push(
      discoveryError(
        `${field} names ${selector.kind ?? 'workload'} "${selector.name}", which is not among the items (workloads: ${available})`,
        config,
        field,
      ),
    );
    return undefined;
  }
  if (matches.length > 1) {
    results.push(
      discoveryError(
        `${field} "${selector.name}" matches ${matches.map((w) => describeWorkload(w)).join(', ')}; set its kind`,
        config,
        field,
      ),
    );
    return undefined;
  }
  const workload = matches[0]!;
  if (selector.role !== undefined && !isMultiRoleKind(workload.kind)) {
    results.push(
      discoveryError(
        `${roleField} "${selector.role}" names a role inside a multi-role object, but ${describe(workload.item.ref)} is a ${workload.kind}, which plays one role: remove the role`,
        config,
        roleField,
      ),
    );
    return undefined;
  }
  const located = locateEngine(workload, selector.container, containerField);
  if ('problem' in located) {
    results.push({
      message: `${describeWorkload(workload)} is named as ${role} but ${located.problem}`,
      severity: 'error',
      resourceRef: workload.item.ref,
      field: { path: formatPath([...workload.templatePath, 'spec', 'containers']) },
      tags: { rule: DISCOVERY_RULE },
    });
    return undefined;
  }
  return located.candidate;
}

function discoveryError(message: string, config: PdConfig, field?: string): Result {
  const result: Result = { message, severity: 'error', tags: { rule: DISCOVERY_RULE } };
  if (config.ref) {
    result.resourceRef = config.ref;
    if (field) result.field = { path: field };
  }
  return result;
}
