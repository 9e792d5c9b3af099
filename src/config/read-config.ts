// Config: the functionConfig in one of its three accepted forms → PdConfig, or error results naming the field.
//   1. PrefillDecode (pd-disagg.dev/v1alpha1), validated against prefilldecode.schema.json;
//   2. a v1 ConfigMap with string keys, as `kpt fn eval -- key=value` builds it;
//   3. none, or kpt's empty `function-input` ConfigMap: everything is discovered.

import { DEFAULT_ROUTER_VERSION, ROUTER_VERSIONS, type DeciderKind, type RouterVersion } from '../router/types.js';
import { isPlainObject, refOf, type KObject, type ResourceRef, type Result } from '../types.js';
import schema from './prefilldecode.schema.json';
import validateSchema, { type SchemaError } from './schema-validator.generated.js';
import { didYouMean } from './suggest.js';
import { isMultiRoleKind, MULTI_ROLE_KINDS, STAGES, stageField, WORKLOAD_KINDS, type PdConfig, type Stage, type WorkloadKind, type WorkloadSelector } from './types.js';

export const CONFIG_API_VERSION = 'pd-disagg.dev/v1alpha1';
export const CONFIG_KIND = 'PrefillDecode';
const ACCEPTED_TEXT = `accepted functionConfig kinds: ${CONFIG_KIND} (apiVersion ${CONFIG_API_VERSION}), ConfigMap (apiVersion v1), or none`;

export const DEFAULTS = {
  decider: 'prefix-based' as DeciderKind,
  nonCachedTokens: 16,
  sidecarPort: 8000,
};

export interface ConfigOutcome {
  config?: PdConfig;
  results: Result[];
}

export function readConfig(fc: KObject | undefined): ConfigOutcome {
  if (fc === undefined) return { config: defaults('none'), results: [] };
  const ref = configRef(fc);
  if (fc.apiVersion === 'v1' && fc.kind === 'ConfigMap') return fromConfigMap(fc, ref);
  if (fc.kind === CONFIG_KIND || fc.apiVersion === CONFIG_API_VERSION) return fromTyped(fc, ref);
  return {
    results: [
      configError(
        `functionConfig ${fc.apiVersion ?? '(no apiVersion)'}/${fc.kind ?? '(no kind)'} is not accepted; ${ACCEPTED_TEXT}`,
        ref,
      ),
    ],
  };
}

function defaults(form: PdConfig['form'], ref?: ResourceRef): PdConfig {
  return {
    form,
    ref,
    epp: { version: DEFAULT_ROUTER_VERSION, decider: DEFAULTS.decider, nonCachedTokens: DEFAULTS.nonCachedTokens },
    router: { enabled: true, metricsAuth: true },
    sidecar: { native: true, port: DEFAULTS.sidecarPort },
    rules: {},
  };
}

// ---- form 1: PrefillDecode ----------------------------------------------------------------------------------------

function fromTyped(fc: KObject, ref: ResourceRef | undefined): ConfigOutcome {
  if (!validateSchema(fc)) {
    return { results: (validateSchema.errors ?? []).map((e) => configError(describeSchemaError(e), ref, schemaPath(e))) };
  }
  const spec: KObject = fc.spec ?? {};
  const config = defaults('PrefillDecode', ref);
  config.name = fc.metadata.name;
  config.prefill = spec.prefill;
  config.decode = spec.decode;
  config.encode = spec.encode;
  const roleErrors = STAGES.flatMap((stage) => roleOnSingleRoleKind(config[stage], stageField('PrefillDecode', stage, 'role'), ref));
  if (roleErrors.length) return { results: roleErrors };
  const epp: KObject = spec.epp ?? {};
  config.epp = {
    version: epp.version ?? config.epp.version,
    decider: epp.decider ?? config.epp.decider,
    nonCachedTokens: epp.nonCachedTokens ?? config.epp.nonCachedTokens,
    promptTokens: epp.promptTokens,
    blockSizeTokens: epp.blockSizeTokens,
    scorerWeights: epp.scorerWeights,
    config: epp.config,
  };
  config.router = { enabled: spec.router?.enabled ?? true, gateway: spec.router?.gateway, metricsAuth: spec.router?.metricsAuth ?? true };
  config.sidecar = {
    native: spec.sidecar?.native ?? true,
    image: spec.sidecar?.image,
    port: spec.sidecar?.port ?? DEFAULTS.sidecarPort,
  };
  config.rules = spec.rules ?? {};
  return { config: prune(config), results: [] };
}

function schemaPath(e: SchemaError): string {
  const base = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
  const extra = e.keyword === 'required' ? String(e.params.missingProperty) : e.keyword === 'additionalProperties' ? String(e.params.additionalProperty) : '';
  return [base, extra].filter(Boolean).join('.') || '.';
}

function describeSchemaError(e: SchemaError): string {
  const field = schemaPath(e);
  switch (e.keyword) {
    case 'required':
      return `functionConfig ${field} is required`;
    case 'additionalProperties': {
      const known = knownFields(e.schemaPath);
      return `functionConfig ${field} is not a known field${didYouMean(String(e.params.additionalProperty), known)}${known.length ? ` (known here: ${known.join(', ')})` : ''}`;
    }
    case 'enum':
      return `functionConfig ${field} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `functionConfig ${field} must be ${JSON.stringify(e.params.allowedValue)}`;
    case 'type':
      return `functionConfig ${field} must be of type ${String(e.params.type)}`;
    case 'minimum':
      return field.endsWith('nonCachedTokens')
        ? `functionConfig ${field} must be at least 1: 0 makes the prefix-based decider never disaggregate (use decider: always to disaggregate every request)`
        : `functionConfig ${field} must be at least ${String(e.params.limit)}`;
    case 'pattern':
      if (field === 'metadata.name') {
        return `functionConfig metadata.name must be a DNS label of at most 48 characters (lower-case letters, digits, '-'): it names the generated resources`;
      }
      return `functionConfig ${field} ${PATTERN_TEXT[String(e.params.pattern)] ?? 'must not be empty'}`;
    default:
      return `functionConfig ${field} ${e.message ?? 'is invalid'}`;
  }
}

/** What a schema pattern asks for, in words. */
const PATTERN_TEXT: Record<string, string> = {
  '^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$':
    "must be a Kubernetes object name (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)",
  '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$': "must be a DNS label of at most 63 characters (lower-case letters, digits, '-')",
  '^([0-9]{1,5}(h|m|s|ms)){1,4}$': 'must be a Gateway API duration such as 300s, 10m, 1h30m or 0s (no timeout)',
  '^[a-z0-9]+(-[a-z0-9]+)*$': 'must be a rule id (see docs/rules.md)',
};

/** The fields the schema knows where an additionalProperties error was raised (its schemaPath names the object). */
function knownFields(schemaPath: string): string[] {
  let node: unknown = schema;
  for (const part of schemaPath.replace(/^#\//, '').split('/').slice(0, -1)) {
    node = isPlainObject(node) ? node[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  return isPlainObject(node) && isPlainObject(node.properties) ? Object.keys(node.properties) : [];
}

// ---- form 2: ConfigMap ----------------------------------------------------------------------------------------------

type KeyParser = (value: string, config: PdConfig) => string | undefined; // returns an error text

const CONFIGMAP_KEYS: Record<string, KeyParser> = {
  name: (v, c) => {
    if (!/^[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?$/.test(v)) return 'must be a DNS label of at most 48 characters';
    c.name = v;
    return undefined;
  },
  prefill: (v, c) => selector(v, (s) => (c.prefill = s)),
  decode: (v, c) => selector(v, (s) => (c.decode = s)),
  encode: (v, c) => selector(v, (s) => (c.encode = s)),
  prefillContainer: (v, c) => containerName(v, 'prefill', c),
  decodeContainer: (v, c) => containerName(v, 'decode', c),
  encodeContainer: (v, c) => containerName(v, 'encode', c),
  prefillRole: (v, c) => roleName(v, 'prefill', c),
  decodeRole: (v, c) => roleName(v, 'decode', c),
  encodeRole: (v, c) => roleName(v, 'encode', c),
  eppVersion: (v, c) => oneOf(v, ROUTER_VERSIONS, (x) => (c.epp.version = x as RouterVersion)),
  decider: (v, c) => oneOf(v, ['prefix-based', 'always'], (x) => (c.epp.decider = x as DeciderKind)),
  nonCachedTokens: (v, c) =>
    integer(v, 1, (n) => (c.epp.nonCachedTokens = n), 'must be an integer of at least 1 (0 makes the prefix-based decider never disaggregate)'),
  promptTokens: (v, c) => integer(v, 0, (n) => (c.epp.promptTokens = n), 'must be an integer of at least 0'),
  blockSizeTokens: (v, c) => integer(v, 1, (n) => (c.epp.blockSizeTokens = n), 'must be a positive integer'),
  routerEnabled: (v, c) => boolean(v, (b) => (c.router.enabled = b)),
  gateway: (v, c) => {
    const parts = v.split('/');
    if (parts.length > 2 || parts.some((x) => !x)) return 'must be NAME or NAMESPACE/NAME of a Gateway (at most one /)';
    const [ns, name] = parts.length === 2 ? parts : [undefined, parts[0]!];
    c.router.gateway = { ...c.router.gateway, ...(ns ? { name: name!, namespace: ns } : { name: name! }) };
    return undefined;
  },
  requestTimeout: (v, c) => {
    if (!c.router.gateway) return 'needs data.gateway too: it is the timeout of the HTTPRoute from that Gateway';
    c.router.gateway = { ...c.router.gateway, requestTimeout: v };
    return undefined;
  },
  metricsAuth: (v, c) => boolean(v, (b) => (c.router.metricsAuth = b)),
  rules: (v, c) => {
    const rules: Record<string, string> = {};
    for (const entry of v.split(',').map((x) => x.trim()).filter(Boolean)) {
      const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
      if (!m) return `must be a comma-separated list of RULE=SEVERITY (SEVERITY: off, error, warning or info), e.g. kv-role-both=off; "${entry}" is not`;
      if (Object.hasOwn(rules, m[1]!)) return `sets ${m[1]} twice`;
      rules[m[1]!] = m[2]!;
    }
    (c as { rules: Record<string, string> }).rules = rules;
    return undefined;
  },
  sidecarNative: (v, c) => boolean(v, (b) => (c.sidecar.native = b)),
  sidecarImage: (v, c) => {
    if (!v.trim()) return 'must not be empty';
    c.sidecar.image = v;
    return undefined;
  },
  sidecarPort: (v, c) => integer(v, 1, (n) => (c.sidecar.port = n), 'must be a port number (1-65535)', 65535),
};

/** The keys of the ConfigMap form, in the order they are documented (Argo CD's plugin parameters are checked against it). */
export const CONFIGMAP_KEY_NAMES: readonly string[] = Object.keys(CONFIGMAP_KEYS);

function fromConfigMap(fc: KObject, ref: ResourceRef | undefined): ConfigOutcome {
  const config = defaults(fc.metadata?.name === 'function-input' && !fc.data ? 'none' : 'ConfigMap', ref);
  const data = fc.data ?? {};
  if (!isPlainObject(data)) return { results: [configError('functionConfig ConfigMap data must be a mapping of string keys', ref, 'data')] };
  const results: Result[] = [];
  // the container and role keys refine data.prefill / data.decode / data.encode, so they are read after them
  const later = (key: string) => Number(key.endsWith('Container') || key.endsWith('Role') || key === 'requestTimeout');
  const entries = Object.entries(data).sort(([a], [b]) => later(a) - later(b));
  for (const [key, raw] of entries) {
    const parse = Object.hasOwn(CONFIGMAP_KEYS, key) ? CONFIGMAP_KEYS[key] : undefined;
    if (!parse) {
      results.push(
        configError(`functionConfig data.${key} is not a known key${didYouMean(key, CONFIGMAP_KEY_NAMES)} (accepted keys: ${CONFIGMAP_KEY_NAMES.join(', ')})`, ref, `data.${key}`),
      );
      continue;
    }
    if (raw === null || typeof raw === 'object') {
      results.push(configError(`functionConfig data.${key} must be a string`, ref, `data.${key}`));
      continue;
    }
    const problem = parse(String(raw).trim(), config);
    if (problem) results.push(configError(`functionConfig data.${key} ${problem}, got ${JSON.stringify(String(raw))}`, ref, `data.${key}`));
  }
  if (results.length) return { results };
  for (const stage of STAGES) results.push(...roleOnSingleRoleKind(config[stage], stageField('ConfigMap', stage, 'role'), ref));
  if (results.length) return { results };
  // every value once more through the schema of the typed form, so a ConfigMap is refused wherever a PrefillDecode is
  const typedErrors = asTyped(config);
  if (typedErrors.length) return { results: typedErrors.map((e) => configMapSchemaError(e, data, ref)) };
  return { config: prune(config), results };
}

/** The data key a field of the typed form comes from. */
const DATA_KEY_OF: [RegExp, string][] = [
  [/^metadata\.name$/, 'name'],
  [/^spec\.(prefill|decode|encode)\.container$/, '$1Container'],
  [/^spec\.(prefill|decode|encode)\.role$/, '$1Role'],
  [/^spec\.(prefill|decode|encode)(\.|$)/, '$1'],
  [/^spec\.epp\.version$/, 'eppVersion'],
  [/^spec\.epp\.(\w+)$/, '$1'],
  [/^spec\.router\.enabled$/, 'routerEnabled'],
  [/^spec\.router\.metricsAuth$/, 'metricsAuth'],
  [/^spec\.router\.gateway\.requestTimeout$/, 'requestTimeout'],
  [/^spec\.router\.gateway(\.|$)/, 'gateway'],
  [/^spec\.sidecar\.(\w)(\w*)$/, 'sidecar'],
  [/^spec\.rules(\.|$)/, 'rules'],
];

function dataKeyOf(field: string): string | undefined {
  for (const [re, key] of DATA_KEY_OF) {
    const m = re.exec(field);
    if (!m) continue;
    if (key === 'sidecar') return `sidecar${m[1]!.toUpperCase()}${m[2]}`;
    return key.replace('$1', m[1] ?? '');
  }
  return undefined;
}

/** The PrefillDecode a ConfigMap stands for, through the schema validator: its errors (none when it is valid). */
function asTyped(config: PdConfig): SchemaError[] {
  const typed = prune({
    apiVersion: CONFIG_API_VERSION,
    kind: CONFIG_KIND,
    metadata: { name: config.name ?? 'configmap' },
    spec: {
      prefill: config.prefill,
      decode: config.decode,
      encode: config.encode,
      epp: { version: config.epp.version, decider: config.epp.decider, nonCachedTokens: config.epp.nonCachedTokens, promptTokens: config.epp.promptTokens, blockSizeTokens: config.epp.blockSizeTokens },
      router: config.router,
      sidecar: config.sidecar,
      rules: config.rules,
    },
  });
  return validateSchema(typed) ? [] : [...(validateSchema.errors ?? [])];
}

function configMapSchemaError(e: SchemaError, data: KObject, ref: ResourceRef | undefined): Result {
  const field = schemaPath(e);
  const key = dataKeyOf(field);
  const got = key !== undefined && Object.hasOwn(data, key) ? `, got ${JSON.stringify(String(data[key]))}` : '';
  const what = describeSchemaError(e).replace(/^functionConfig /, '');
  return configError(`functionConfig data.${key ?? '?'}: ${what}${got}`, ref, key ? `data.${key}` : undefined);
}

function selector(v: string, set: (s: WorkloadSelector) => void): string | undefined {
  const parts = v.split('/');
  const [a, b] = parts.length === 2 ? parts : [undefined, parts.length === 1 ? v : ''];
  if (!b || (a !== undefined && !(WORKLOAD_KINDS as readonly string[]).includes(a))) {
    return `must be NAME or KIND/NAME with KIND one of ${WORKLOAD_KINDS.join(', ')}`;
  }
  set(a ? { name: b, kind: a as WorkloadKind } : { name: b });
  return undefined;
}

function containerName(v: string, role: Stage, c: PdConfig): string | undefined {
  if (!v) return 'must not be empty';
  if (!c[role]) return `needs data.${role} (the workload) too`;
  c[role] = { ...c[role]!, container: v };
  return undefined;
}

function roleName(v: string, stage: Stage, c: PdConfig): string | undefined {
  if (!v) return 'must not be empty';
  if (!c[stage]) return `needs data.${stage} (the multi-role object) too`;
  c[stage] = { ...c[stage]!, role: v };
  return undefined;
}

/** `role` picks a stage inside a multi-role object; on a kind that holds one workload it would be silently meaningless. */
function roleOnSingleRoleKind(s: WorkloadSelector | undefined, field: string, ref: ResourceRef | undefined): Result[] {
  if (s?.role === undefined || s.kind === undefined || isMultiRoleKind(s.kind)) return [];
  const kinds = MULTI_ROLE_KINDS.length ? ` (${MULTI_ROLE_KINDS.join(', ')})` : '';
  return [
    configError(
      `functionConfig ${field} "${s.role}" names a role inside a multi-role object${kinds}, but the workload is a ${s.kind}, which plays one role: remove the role`,
      ref,
      field,
    ),
  ];
}

function oneOf(v: string, allowed: readonly string[], set: (x: string) => void): string | undefined {
  if (!allowed.includes(v)) return `must be one of ${allowed.join(', ')}`;
  set(v);
  return undefined;
}

function integer(v: string, min: number, set: (n: number) => void, problem: string, max = Number.MAX_SAFE_INTEGER): string | undefined {
  const n = /^[0-9]{1,15}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) return problem;
  set(n);
  return undefined;
}

function boolean(v: string, set: (b: boolean) => void): string | undefined {
  if (v !== 'true' && v !== 'false') return 'must be "true" or "false"';
  set(v === 'true');
  return undefined;
}

// ---- shared ---------------------------------------------------------------------------------------------------------

/** The functionConfig's reference, when it has the fields one needs. */
function configRef(fc: KObject): ResourceRef | undefined {
  if (typeof fc.apiVersion !== 'string' || typeof fc.kind !== 'string' || typeof fc.metadata?.name !== 'string') return undefined;
  return refOf(fc);
}

/** The id config errors carry (not a registry rule: it cannot be switched off). */
export const CONFIG_RULE = 'config-invalid';

function configError(message: string, ref: ResourceRef | undefined, path?: string): Result {
  const result: Result = { message, severity: 'error', tags: { rule: CONFIG_RULE } };
  if (ref) {
    result.resourceRef = ref;
    if (path && path !== '.') result.field = { path };
  }
  return result;
}

/** Drop undefined members so the config prints and compares cleanly. */
function prune<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
