// The engine model: the single place engine flags are read. parseEngine() turns a container (plain object) into
// an EngineModel, or undefined when the container does not launch vLLM or SGLang. It never throws: anything
// malformed becomes a ParseIssue with a stable code and the container-relative path of the offending item.

import { isPlainObject, type KObject } from '../types.js';
import { DIALECTS, dialectFor } from './dialects/index.js';
import type { Dialect, FieldRule, ValueType } from './dialects/types.js';
import { expandKubeVars, hasUnresolvedRef } from './expand.js';
import { canonicalFlag, readFlags, specIndex, type Token } from './flags.js';
import { findLauncher, inferEntrypoint, type FoundLauncher, type LineToken } from './launch.js';
import { isUnknown, type ShellLookup } from './shell.js';
import type {
  ContainerPath,
  EngineEnvVar,
  EngineKind,
  EngineModel,
  KvTransferConfig,
  ParseIssue,
  RuntimeValue,
  Sourced,
} from './types.js';
import {
  convertHumanInt,
  convertInt,
  convertJsonObject,
  convertPort,
  isPlainObj,
  type Converted,
} from './values.js';

export * from './types.js';
export { DIALECTS, dialectFor, vllmDialect, sglangDialect } from './dialects/index.js';
export type { Dialect, FlagSpec, LauncherSpec, FieldRule } from './dialects/types.js';
export { expandKubeVars } from './expand.js';
export { splitScript, isUnknown, shown, UNKNOWN } from './shell.js';
export { canonicalFlag } from './flags.js';

/** The stable codes of ParseIssue, for rules and tests to match on. */
export const ISSUE_CODES = {
  notAList: 'launch.not-a-list',
  nonStringItem: 'launch.non-string-item',
  entrypointAssumed: 'launch.entrypoint-assumed',
  serveRepeated: 'launch.serve-repeated',
  shellUnparseable: 'shell.unparseable',
  missingValue: 'flag.missing-value',
  unexpectedValue: 'flag.unexpected-value',
  badValue: 'flag.bad-value',
  repeated: 'flag.repeated',
  invalidJson: 'flag.invalid-json',
  dottedReplacesJson: 'flag.dotted-replaces-json',
  configFile: 'flag.config-file',
  unexpectedPositional: 'arg.unexpected-positional',
  modelGivenTwice: 'model.given-twice',
  modelMissing: 'model.missing',
  kvBadField: 'kv-transfer-config.bad-field',
  envInvalid: 'env.invalid-entry',
  envDuplicate: 'env.duplicate',
  envBadValue: 'env.bad-value',
  internal: 'internal.error',
} as const;

// ---------------------------------------------------------------- env

interface EnvRead {
  env: Record<string, EngineEnvVar>;
  /** literal values after $(VAR) expansion */
  literal: Map<string, string>;
  /** set, but the value is not known here (valueFrom) */
  opaque: Set<string>;
  hasEnvFrom: boolean;
}

function readEnv(container: KObject, issues: ParseIssue[]): EnvRead {
  const out: EnvRead = { env: {}, literal: new Map(), opaque: new Set(), hasEnvFrom: Array.isArray(container.envFrom) && container.envFrom.length > 0 };
  const list: unknown = container.env;
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) {
    issues.push({ code: ISSUE_CODES.envInvalid, severity: 'error', path: 'env', message: 'env must be a list of {name, value} entries; it is ignored.' });
    return out;
  }
  list.forEach((entry: unknown, i: number) => {
    const path = `env[${i}]`;
    if (!isPlainObject(entry) || typeof entry.name !== 'string' || entry.name === '') {
      issues.push({ code: ISSUE_CODES.envInvalid, severity: 'error', path, message: `${path} has no string name; Kubernetes rejects it. Give it a name.` });
      return;
    }
    const name = entry.name;
    const v: EngineEnvVar = { name, path };
    let value: unknown = entry.value;
    if (value !== undefined && value !== null && typeof value !== 'string') {
      issues.push({
        code: ISSUE_CODES.envInvalid,
        severity: 'error',
        path: `${path}.value`,
        message: `env ${name} has a ${typeof value} value; Kubernetes requires a string. Quote it (value: "${String(value)}").`,
      });
      value = typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
    }
    if (isPlainObject(entry.valueFrom)) v.valueFrom = entry.valueFrom;
    if (name in out.env) {
      issues.push({ code: ISSUE_CODES.envDuplicate, severity: 'warning', path, message: `env ${name} is set more than once (also ${out.env[name].path}); the last entry wins. Remove the duplicate.` });
    }
    if (typeof value === 'string') {
      v.value = value;
      const expanded = expandKubeVars(value, (n) => out.literal.get(n));
      if (expanded !== value) v.expandedValue = expanded;
      out.literal.set(name, expanded);
      out.opaque.delete(name);
    } else {
      out.literal.delete(name);
      if (v.valueFrom) out.opaque.add(name);
      else {
        // no value at all: the variable is set to the empty string
        v.value = '';
        out.literal.set(name, '');
      }
    }
    out.env[name] = v;
  });
  return out;
}

// ---------------------------------------------------------------- launch line

interface LaunchLocation {
  found: FoundLauncher;
  envRead: EnvRead;
  issues: ParseIssue[];
}

function readLine(container: KObject, envRead: EnvRead, issues: ParseIssue[]): { all: LineToken[]; args: LineToken[]; hasCommand: boolean } {
  const all: LineToken[] = [];
  const args: LineToken[] = [];
  let hasCommand = false;
  for (const key of ['command', 'args'] as const) {
    const list: unknown = container[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      issues.push({ code: ISSUE_CODES.notAList, severity: 'error', path: key, message: `${key} must be a list of strings; it is ignored.` });
      continue;
    }
    if (key === 'command' && list.length > 0) hasCommand = true;
    list.forEach((item: unknown, i: number) => {
      const path = `${key}[${i}]`;
      let text: string;
      if (typeof item === 'string') text = item;
      else if (typeof item === 'number' || typeof item === 'boolean') {
        text = String(item);
        issues.push({ code: ISSUE_CODES.nonStringItem, severity: 'error', path, message: `${path} is a ${typeof item}; Kubernetes requires strings in ${key}. Quote it ("${text}").` });
      } else {
        issues.push({ code: ISSUE_CODES.nonStringItem, severity: 'error', path, message: `${path} is ${item === null ? 'null' : `a ${Array.isArray(item) ? 'list' : typeof item}`}, not a string; it is ignored. Write it as a string.` });
        return;
      }
      const tok = { text: expandKubeVars(text, (n) => envRead.literal.get(n)), path };
      all.push(tok);
      if (key === 'args') args.push(tok);
    });
  }
  return { all, args, hasCommand };
}

/** Variables the workload controller sets in every container unless the container sets them itself: a string when
 * the manifest fixes the value (LeaderWorkerSet's LWS_GROUP_SIZE), null when only the pod knows it. */
export type RuntimeEnv = Readonly<Record<string, string | null>>;

function locate(container: KObject, runtimeEnv: RuntimeEnv = {}, named = false): LaunchLocation | undefined {
  const issues: ParseIssue[] = [];
  const envRead = readEnv(container, issues);
  const line = readLine(container, envRead, issues);
  const lookup: ShellLookup = (name) => {
    const v = envRead.literal.get(name);
    if (v !== undefined) return v;
    if (envRead.opaque.has(name) || envRead.hasEnvFrom) return null;
    return Object.hasOwn(runtimeEnv, name) ? runtimeEnv[name] : undefined;
  };
  let found = findLauncher(line.all, DIALECTS, lookup);
  if (!found && !line.hasCommand) found = inferEntrypoint(container.image, container.name, line.args, DIALECTS, named);
  return found ? { found, envRead, issues } : undefined;
}

// ---------------------------------------------------------------- fields

function convert(type: ValueType, text: string): Converted<unknown> {
  switch (type) {
    case 'int':
      return convertInt(text);
    case 'port':
      return convertPort(text);
    case 'hrint':
      return convertHumanInt(text);
    default:
      return { ok: true, value: text };
  }
}

function badValue(code: string, what: string, raw: string, reason: string, path: ContainerPath, example: string): ParseIssue {
  const unresolved = hasUnresolvedRef(raw);
  return {
    code,
    severity: unresolved ? 'warning' : 'error',
    path,
    message: unresolved
      ? `${what} is "${raw}", which refers to a variable that is not a literal env value of this container, so its value is unknown here; the engine default is assumed.`
      : `${what} "${raw}" ${reason}; the engine will refuse it. Use a value like ${example}.`,
  };
}

const EXAMPLES: Partial<Record<ValueType, string>> = { int: '16', port: '8000', hrint: '4096' };

type Fields = Record<string, Sourced<unknown> | undefined>;

function fillFields(
  d: Dialect,
  flags: Map<string, Sourced<string | true>>,
  lists: Map<string, Sourced<string[]>>,
  objects: Map<string, { value: Record<string, unknown>; path: ContainerPath; keyPaths?: Map<string, ContainerPath> }>,
  env: Record<string, EngineEnvVar>,
  issues: ParseIssue[],
  unknown: Map<string, RuntimeValue>,
): Fields {
  const out: Fields = {};
  const fromText = (rule: FieldRule, what: string, raw: string, path: ContainerPath, code: string): Sourced<unknown> | undefined => {
    if (isUnknown(raw)) {
      // only known when the pod runs: never reported as wrong; the rules that need it say they could not check
      unknown.set(rule.field, { what, path });
      return undefined;
    }
    const c = convert(rule.type, raw);
    if (c.ok) return { value: c.value, path, raw };
    issues.push(badValue(code, what, raw, c.reason, path, `${EXAMPLES[rule.type] ?? '...'}`));
    return undefined;
  };
  for (const rule of d.fields) {
    let got: Sourced<unknown> | undefined;
    if (rule.flag) {
      const f = rule.flag;
      if (rule.type === 'bool') {
        const on = flags.get(f);
        const off = flags.get('--no-' + f.slice(2));
        if (on) got = { value: true, path: on.path };
        else if (off) got = { value: false, path: off.path };
      } else if (rule.type === 'list') got = lists.get(f);
      else if (rule.type === 'object') got = objects.get(f);
      else {
        const s = flags.get(f);
        if (s && typeof s.value === 'string') got = fromText(rule, f, s.value, s.path ?? '', ISSUE_CODES.badValue);
      }
    }
    if (!got && rule.jsonKey) {
      const o = objects.get(rule.jsonKey.flag);
      const v = o?.value[rule.jsonKey.key];
      if (o && v !== undefined && v !== null) {
        const path = o.keyPaths?.get(rule.jsonKey.key) ?? o.path;
        const text = typeof v === 'string' ? v : JSON.stringify(v);
        got = fromText(rule, `${rule.jsonKey.flag} key ${rule.jsonKey.key}`, text, path, ISSUE_CODES.badValue);
      }
    }
    if (!got && rule.env) {
      const e = env[rule.env];
      const text = e?.expandedValue ?? e?.value;
      if (e && text !== undefined && !(e.valueFrom && e.value === undefined)) {
        got = fromText(rule, `env ${rule.env}`, text, `${e.path}.value`, ISSUE_CODES.envBadValue);
      }
    }
    if (!got && rule.default !== undefined && !unknown.has(rule.field)) got = { value: rule.default };
    if (got) out[rule.field] = got;
  }
  return out;
}

function checkKvTransfer(cfg: Record<string, unknown>, path: ContainerPath, issues: ParseIssue[], where = '--kv-transfer-config'): void {
  for (const key of ['kv_connector', 'kv_role', 'engine_id', 'kv_buffer_device']) {
    if (key in cfg && typeof cfg[key] !== 'string') {
      issues.push({ code: ISSUE_CODES.kvBadField, severity: 'error', path, message: `${where}: ${key} must be a string, not ${JSON.stringify(cfg[key])}; vLLM rejects the config. Quote the value.` });
    }
  }
  const extra = cfg.kv_connector_extra_config;
  if (extra !== undefined && !isPlainObj(extra)) {
    issues.push({ code: ISSUE_CODES.kvBadField, severity: 'error', path, message: `${where}: kv_connector_extra_config must be an object ({...}); vLLM rejects the config.` });
    return;
  }
  if (cfg.kv_connector === 'MultiConnector' && isPlainObj(extra)) {
    const children = extra.connectors;
    if (!Array.isArray(children) || children.some((c) => !isPlainObj(c))) {
      issues.push({ code: ISSUE_CODES.kvBadField, severity: 'error', path, message: `${where}: a MultiConnector needs kv_connector_extra_config.connectors, a list of connector configs ({"kv_connector": ..., "kv_role": ...}).` });
    } else {
      children.forEach((c, i) => checkKvTransfer(c as Record<string, unknown>, path, issues, `${where} connectors[${i}]`));
    }
  }
}

// ---------------------------------------------------------------- parseEngine

function build(container: KObject, loc: LaunchLocation): EngineModel {
  const { found, envRead } = loc;
  const d = found.dialect;
  const issues = [...loc.issues, ...found.issues];
  const argv = found.rest.map((t) => t.text);
  const argvPaths = found.rest.map((t) => t.path);
  let tokens: Token[] = found.rest.map((t, index) => ({ text: t.text, path: t.path, index }));

  if (d.repeatedLauncherToken && tokens[0]?.text === d.repeatedLauncherToken) {
    const label = found.label;
    issues.push({
      code: ISSUE_CODES.serveRepeated,
      severity: 'error',
      path: tokens[0].path,
      message:
        found.launch.via === 'image-entrypoint'
          ? `"${d.repeatedLauncherToken}" is repeated: the image's entrypoint already runs \`${label}\`, so the engine sees \`${label} ${d.repeatedLauncherToken}\` and fails with "unrecognized arguments". Remove "${d.repeatedLauncherToken}" from args.`
          : `"${d.repeatedLauncherToken}" is repeated after \`${label}\`; the engine fails with "unrecognized arguments". Remove the second "${d.repeatedLauncherToken}".`,
    });
    tokens = tokens.slice(1);
  }

  const read = readFlags(d, tokens);
  issues.push(...read.issues);
  const specs = specIndex(d);

  // Fold occurrences: the last one wins; `--x` and `--no-x` cancel each other.
  const flags = new Map<string, Sourced<string | true>>();
  const lists = new Map<string, Sourced<string[]>>();
  for (const o of read.occurrences) {
    if (o.dottedKey) continue;
    const spec = specs.get(o.name);
    const negKey = '--no-' + o.name.slice(2);
    if (o.negated) {
      flags.delete(o.name);
      flags.set(negKey, { value: true, path: o.path });
      continue;
    }
    if (o.value === undefined) {
      if (spec && spec.arity !== 'bool') continue; // value missing: reported already
      if (spec?.negatable) flags.delete(negKey);
      flags.set(o.name, { value: true, path: o.path });
      continue;
    }
    if (spec?.arity === 'bool') {
      flags.set(o.name, { value: true, path: o.path }); // `--x=v` on a switch: reported already
      continue;
    }
    const prev = flags.get(o.name);
    const path = o.valuePath ?? o.path;
    if (prev && prev.value !== o.value) {
      issues.push({
        code: ISSUE_CODES.repeated,
        severity: 'warning',
        path: o.path,
        message: `${o.name} is given more than once (first at ${prev.path}); the engine uses the last value "${o.value}". Remove the other occurrence.`,
      });
    }
    flags.set(o.name, { value: o.value, path, raw: o.value });
    lists.set(o.name, { value: o.values ?? [o.value], path, raw: o.value });
  }

  // JSON-object flags: dotted pieces replace a whole JSON value (vLLM appends their merge last).
  const objects = new Map<string, { value: Record<string, unknown>; path: ContainerPath; raw?: string; keyPaths?: Map<string, ContainerPath> }>();
  for (const [head, piece] of read.dotted) {
    const whole = flags.get(head);
    if (whole) {
      issues.push({
        code: ISSUE_CODES.dottedReplacesJson,
        severity: 'warning',
        path: whole.path ?? piece.path,
        message: `${head} is given both as JSON and as dotted ${head}.<key> pieces; vLLM does not merge them: the dotted pieces replace the JSON entirely. Put every key in one form.`,
      });
    }
    const raw = JSON.stringify(piece.value);
    flags.set(head, { value: raw, path: piece.path, raw });
    objects.set(head, { value: piece.value, path: piece.path, raw, keyPaths: piece.keyPaths });
  }
  const unknown = new Map<string, RuntimeValue>();
  for (const [name, s] of flags) {
    if (objects.has(name) || typeof s.value !== 'string' || !specs.get(name)?.json) continue;
    if (isUnknown(s.value)) {
      const rule = d.fields.find((r) => r.flag === name);
      if (rule) unknown.set(rule.field, { what: name, path: s.path ?? '' });
      continue;
    }
    const c = convertJsonObject(s.value);
    if (c.ok) objects.set(name, { value: c.value, path: s.path ?? '', raw: s.value });
    else {
      const unresolved = hasUnresolvedRef(s.value);
      issues.push({
        code: ISSUE_CODES.invalidJson,
        severity: unresolved ? 'warning' : 'error',
        path: s.path ?? '',
        message: unresolved
          ? `${name} holds an unresolved variable reference, so it cannot be read here: ${s.value.slice(0, 200)}`
          : `${name} ${c.reason}; the engine will refuse to start. Write a JSON object, e.g. ${name} '{"key":"value"}' (one list item), or set keys one by one with ${name}.key value.`,
      });
    }
  }

  const fields = fillFields(d, flags, lists, objects, envRead.env, issues, unknown);
  const f = <T>(name: string): Sourced<T> | undefined => fields[name] as Sourced<T> | undefined;

  // The model: vLLM's `serve` takes it as the first positional; `--model` is moved in front of the positionals.
  let model = f<string>('model');
  const positionals = read.positionals;
  let extra = positionals;
  if (found.launcher.positionalModel) {
    if (model && positionals.length > 0) {
      issues.push({
        code: ISSUE_CODES.modelGivenTwice,
        severity: 'error',
        path: positionals[0].path ?? '',
        message: `The model is given both as a positional argument ("${positionals[0].value}") and with --model ("${model.value}"); the engine fails with "unrecognized arguments". Keep only the positional model.`,
      });
      extra = positionals.slice(1);
    } else if (!model && positionals.length > 0) {
      model = positionals[0];
      extra = positionals.slice(1);
    }
  }
  for (const p of extra) {
    // an unquoted run-time expansion (`$EXTRA_ARGS`) may stand for no word or several flags
    if (isUnknown(p.value)) continue;
    issues.push({
      code: ISSUE_CODES.unexpectedPositional,
      severity: 'error',
      path: p.path ?? '',
      message: `"${p.value}" is not a flag value the ${d.kind} parser expects here; the engine fails with "unrecognized arguments". Remove it or give it the flag it belongs to.`,
    });
  }
  const configFile = f<string>('configFile');
  if (configFile) {
    issues.push({
      code: ISSUE_CODES.configFile,
      severity: 'warning',
      path: configFile.path ?? '',
      message: `Flags come partly from the config file ${configFile.value}, which is not read here; checks that depend on them may be incomplete. Prefer putting P/D-relevant flags on the command line.`,
    });
  }
  const served = f<string[]>('servedModelNames');
  if (!model && !configFile) {
    const required = d.missingModel === 'required' || (served && found.launcher.positionalModel);
    issues.push({
      code: ISSUE_CODES.modelMissing,
      severity: required ? 'error' : 'warning',
      path: found.launch.path ?? (argvPaths[0] ?? 'args'),
      message: required
        ? `No model is given; ${found.label} refuses to start without one. ${found.launcher.positionalModel ? `Pass the model as the first argument after \`${found.label}\`.` : `Add --model-path <model>.`}`
        : `No model is given, so ${d.kind} serves its built-in default model. Pass the model explicitly.`,
    });
  }

  let kvTransferConfig = f<KvTransferConfig>('kvTransferConfig');
  if (kvTransferConfig) checkKvTransfer(kvTransferConfig.value, kvTransferConfig.path ?? '', issues);
  else kvTransferConfig = undefined;

  const m: EngineModel = {
    kind: d.kind,
    launcher: found.label,
    argv,
    flags,
    port: f<number>('port') ?? { value: 0 },
    tensorParallel: f<number>('tensorParallel') ?? { value: 1 },
    dataParallel: f<number>('dataParallel') ?? { value: 1 },
    pipelineParallel: f<number>('pipelineParallel') ?? { value: 1 },
    env: envRead.env,
    issues,
    launch: found.launch,
    argvPaths,
    occurrences: read.occurrences,
    positionals,
  };
  const optional: Array<[keyof EngineModel, Sourced<unknown> | undefined]> = [
    ['model', model],
    ['servedModelNames', served],
    ['host', f('host')],
    ['blockSize', f('blockSize')],
    ['dtype', f('dtype')],
    ['kvCacheDtype', f('kvCacheDtype')],
    ['attentionBackend', f('attentionBackend')],
    ['disableHybridKvCacheManager', f('disableHybridKvCacheManager')],
    ['maxModelLen', f('maxModelLen')],
    ['kvTransferConfig', kvTransferConfig],
    ['dataParallelLocal', f('dataParallelLocal')],
    ['configFile', configFile],
    ['nixlSideChannelPort', f('nixlSideChannelPort')],
  ];
  for (const [k, v] of optional) if (v) (m as unknown as Record<string, unknown>)[k] = v;
  if (unknown.size > 0) m.unknown = Object.fromEntries(unknown);
  // mandatory fields whose value is only known at run time keep the engine default as a stand-in, marked unknown
  for (const k of ['port', 'tensorParallel', 'dataParallel', 'pipelineParallel'] as const) {
    if (unknown.has(k)) m[k] = { value: (d.fields.find((r) => r.field === k)?.default as number | undefined) ?? (k === 'port' ? 0 : 1), path: unknown.get(k)!.path };
  }
  if (d.kind === 'sglang') {
    m.sglang = {};
    const mode = f<string>('sglang.mode');
    const tb = f<string>('sglang.transferBackend');
    const bp = f<number>('sglang.bootstrapPort');
    const ib = f<string>('sglang.ibDevice');
    if (mode) m.sglang.mode = mode;
    if (tb) m.sglang.transferBackend = tb;
    if (bp) m.sglang.bootstrapPort = bp;
    if (ib) m.sglang.ibDevice = ib;
  }
  return m;
}

/** Read a container's launch line into an EngineModel; undefined when it does not launch vLLM or SGLang.
 * `runtimeEnv`: variables the workload controller injects (see RuntimeEnv). */
export function parseEngine(container: KObject, runtimeEnv: RuntimeEnv = {}, named = false): EngineModel | undefined {
  if (!isPlainObject(container)) return undefined;
  let loc: LaunchLocation | undefined;
  try {
    loc = locate(container, runtimeEnv, named);
    if (!loc) return undefined;
    return build(container, loc);
  } catch (e) {
    // A bug here must not take the whole render down; report it on a minimal model when we know the engine.
    if (!loc) return undefined;
    const d = loc.found.dialect;
    const defaults = (field: string, fallback: number): Sourced<number> => {
      const r = d.fields.find((x) => x.field === field);
      return { value: typeof r?.default === 'number' ? r.default : fallback };
    };
    return {
      kind: d.kind,
      launcher: loc.found.label,
      argv: loc.found.rest.map((t) => t.text),
      flags: new Map(),
      port: defaults('port', 0),
      tensorParallel: defaults('tensorParallel', 1),
      dataParallel: defaults('dataParallel', 1),
      pipelineParallel: defaults('pipelineParallel', 1),
      env: loc.envRead.env,
      issues: [
        ...loc.issues,
        {
          code: ISSUE_CODES.internal,
          severity: 'error',
          path: loc.found.launch.path ?? 'args',
          message: `pd-disagg could not read this launch line (${e instanceof Error ? e.message : String(e)}); please report it with the container spec.`,
        },
      ],
    };
  }
}

/** Why parseEngine does not take a container as an engine: one clause for messages ("its command ... does not ..."). */
export function whyNotEngine(container: KObject): string {
  if (!isPlainObject(container)) return 'it is not a container object';
  const launchers = DIALECTS.flatMap((d) => d.launchers.map((l) => [l.program, ...l.rest].join(' ')));
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const command = Array.isArray(container.command) ? container.command : [];
  const args = Array.isArray(container.args) ? container.args : [];
  const head = (list: unknown[]) => list.slice(0, 3).map(text).join(' ') + (list.length > 3 ? ' …' : '');
  if (command.length > 0) {
    return `its command (\`${head(command)}\`${args.length ? ` with ${args.length} args` : ''}) runs none of ${launchers.join(', ')}`;
  }
  const image = typeof container.image === 'string' ? container.image : '(no image)';
  const known = DIALECTS.flatMap((d) => [...(d.imageEntrypoint?.imageRepos ?? []), ...(d.imageEntrypoint?.otherImages ?? []).flatMap((o) => o.imageRepos)]);
  const exclusive = DIALECTS.flatMap((d) => d.imageEntrypoint?.exclusiveFlags ?? []);
  if (args.length === 0) return `it has no command or args, and its image ${image} is not a known engine image (${known.join(', ')})`;
  return (
    `it has no command, so its image's entrypoint runs, but the image ${image} is not a known engine image (${known.join(', ')}) ` +
    `and its args (\`${head(args)}\`) carry no engine-only flag (${exclusive.join(', ')}) nor, under a container name like ` +
    `${DIALECTS.flatMap((d) => d.imageEntrypoint?.containerNames ?? []).join('/')}, the engine's flags`
  );
}

/** Which engine a container launches, if any (cheaper than parseEngine: flags are not read). */
export function detectEngineKind(container: KObject): EngineKind | undefined {
  if (!isPlainObject(container)) return undefined;
  try {
    return locate(container)?.found.dialect.kind;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- helpers for the pipeline and rules

/** The final value of a flag, by any spelling the engine accepts (`-tp`, `--tensor_parallel_size`, ...). */
export function flagValue(model: EngineModel, name: string): Sourced<string | true> | undefined {
  return model.flags.get(canonicalFlag(dialectFor(model.kind), name));
}

/** true for `--x`, false for `--no-x` (the last one given wins), undefined when neither is present. */
export function flagBool(model: EngineModel, name: string): boolean | undefined {
  const c = canonicalFlag(dialectFor(model.kind), name);
  if (model.flags.has(c)) return true;
  if (c.startsWith('--') && model.flags.has('--no-' + c.slice(2))) return false;
  return undefined;
}

/** The KV block size, or the engine's default (vLLM 16, SGLang page size 1, no path) when the flag is absent.
 * The platform or attention backend may still force another size at run time. */
export function blockSizeOrDefault(model: EngineModel): Sourced<number> {
  return model.blockSize ?? { value: dialectFor(model.kind).defaultBlockSize };
}

/** The connectors a KV transfer config amounts to: the config itself, or a MultiConnector's children
 * (each child stands alone: it does not inherit the parent's kv_role). */
export function kvConnectors(cfg: KvTransferConfig | undefined): KvTransferConfig[] {
  if (!cfg) return [];
  if (cfg.kv_connector === 'MultiConnector') {
    const children = cfg.kv_connector_extra_config?.connectors;
    return Array.isArray(children) ? (children.filter(isPlainObj) as KvTransferConfig[]) : [];
  }
  return [cfg];
}

/** The NIXL connectors among the engine's KV connectors (NixlConnector, NixlPullConnector, NixlPushConnector). */
export function nixlConnectors(model: EngineModel): KvTransferConfig[] {
  return kvConnectors(model.kvTransferConfig?.value).filter(
    (c) => typeof c.kv_connector === 'string' && c.kv_connector.startsWith('Nixl'),
  );
}

/**
 * How many HTTP ports one pod of the engine serves: with vLLM's --data-parallel-multi-port-external-lb each local
 * data-parallel rank runs its own API server on --port + rank (vllm/entrypoints/openai/dp_supervisor.py), so
 * --data-parallel-size-local of them (or --data-parallel-size when that is not given); otherwise one.
 *
 * SGLang: always one. Its data-parallel ranks (`--dp-size`/`--data-parallel-size`, with or without
 * `--enable-dp-attention`) are scheduler processes behind the one HTTP server on `--port`: the tokenizer hands each
 * request to the DataParallelController, which dispatches it over ZMQ to a rank by `--load-balance-method`
 * (sgl-project/sglang python/sglang/srt/managers/data_parallel_controller.py, launch_dp_schedulers and
 * launch_dp_attention_schedulers, at commit 000a3db1c0c42140f14ddab7b4c6dda86de1fa4b). server_args.py (commit
 * 001067fffe33427bee0ed2f007fb7551a1d76b44) has no per-rank port, local-DP-size or external-LB option: the
 * parallelism flags are dp_size and load_balance_method (round_robin, follow_bootstrap_room, total_requests,
 * total_tokens). Per-rank HTTP endpoints with SGLang mean separate server processes, i.e. separate pods or
 * workloads, each one target port.
 */
export function httpPortCount(model: EngineModel): Sourced<number> {
  if (model.kind !== 'vllm' || flagBool(model, '--data-parallel-multi-port-external-lb') !== true) return { value: 1 };
  return model.dataParallelLocal ?? model.dataParallel;
}

/** The literal value of an env var (after $(VAR) expansion); undefined when unset or set via valueFrom. */
export function envValue(model: EngineModel, name: string): string | undefined {
  const e = model.env[name];
  return e?.expandedValue ?? e?.value;
}

/** Env vars whose name starts with a prefix, e.g. `UCX_`, in manifest order. */
export function envWithPrefix(model: EngineModel, prefix: string): EngineEnvVar[] {
  return Object.values(model.env).filter((e) => e.name.startsWith(prefix));
}
