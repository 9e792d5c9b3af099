// parseEngine: a container (plain object) into an EngineModel, from its launch line, fields and environment.

import { isPlainObject, type KObject } from '../types.js';
import { DIALECTS } from './dialects/index.js';
import type { RuntimeEnv } from './env.js';
import { checkKvTransfer, fillFields } from './fields.js';
import { hasUnresolvedRef } from './expand.js';
import { readFlags, specIndex, type Token } from './flags.js';
import { ISSUE_CODES } from './issue-codes.js';
import { locate, type LaunchLocation } from './launch-line.js';
import { isUnknown } from './shell.js';
import type { ContainerPath, EngineModel, KvTransferConfig, RuntimeValue, Sourced } from './types.js';
import { convertJsonObject } from './values.js';

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
      // a JSON value a variable fills in when the pod starts: the rules that need it say they could not check
      // (an --ec-transfer-config "$(EC_CFG)" is no missing config)
      const rule = unresolved ? d.fields.find((r) => r.flag === name) : undefined;
      if (rule) unknown.set(rule.field, { what: name, path: s.path ?? '' });
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
      // a positional model only a shell expansion gives (`"$(cat /etc/model)"`): the rules that need it say they
      // could not check, as for a flag's run-time value (fields.ts)
      if (isUnknown(model!.value)) unknown.set('model', { what: 'model (the first argument)', path: model!.path ?? '' });
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
    ['ecTransferConfig', f('ecTransferConfig')],
    ['mmEncoderOnly', f('mmEncoderOnly')],
    ['ecSideChannelPort', f('ecSideChannelPort')],
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
