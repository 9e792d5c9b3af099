// Fields of the engine model: each dialect field rule read from a flag, a JSON key or an env variable, converted to
// its type, and the --kv-transfer-config checked for the types vLLM insists on.

import type { Dialect, FieldRule, ValueType } from './dialects/types.js';
import { hasUnresolvedRef } from './expand.js';
import { ISSUE_CODES, type IssueCode } from './issue-codes.js';
import { isUnknown } from './shell.js';
import type { ContainerPath, EngineEnvVar, ParseIssue, RuntimeValue, Sourced } from './types.js';
import { convertHumanInt, convertInt, convertPort, isPlainObj, type Converted } from './values.js';

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

function badValue(code: IssueCode, what: string, raw: string, reason: string, path: ContainerPath, example: string): ParseIssue {
  const unresolved = hasUnresolvedRef(raw);
  return {
    code,
    severity: unresolved ? 'warning' : 'error',
    path,
    message: unresolved
      ? `${what} is "${raw}", which refers to a variable that is not a literal env value of this container (valueFrom, envFrom, or set nowhere), so its value is only known when the pod runs and the rules that need it say they could not check; if the variable is set nowhere, the kubelet passes the text as written and the engine refuses it.`
      : `${what} "${raw}" ${reason}; the engine will refuse it. Use a value like ${example}.`,
  };
}

const EXAMPLES: Partial<Record<ValueType, string>> = { int: '16', port: '8000', hrint: '4096' };

export type Fields = Record<string, Sourced<unknown> | undefined>;

export function fillFields(
  d: Dialect,
  flags: Map<string, Sourced<string | true>>,
  lists: Map<string, Sourced<string[]>>,
  objects: Map<string, { value: Record<string, unknown>; path: ContainerPath; keyPaths?: Map<string, ContainerPath> }>,
  env: Record<string, EngineEnvVar>,
  issues: ParseIssue[],
  unknown: Map<string, RuntimeValue>,
): Fields {
  const out: Fields = {};
  const fromText = (rule: FieldRule, what: string, raw: string, path: ContainerPath, code: IssueCode): Sourced<unknown> | undefined => {
    if (isUnknown(raw)) {
      // only known when the pod runs: never reported as wrong; the rules that need it say they could not check
      unknown.set(rule.field, { what, path });
      return undefined;
    }
    const c = convert(rule.type, raw);
    if (c.ok) return { value: c.value, path, raw };
    issues.push(badValue(code, what, raw, c.reason, path, `${EXAMPLES[rule.type] ?? '...'}`));
    // `$(NAME)` of a variable set from valueFrom/envFrom: the kubelet fills it in when the pod starts, so the rules
    // that need the field say they could not check rather than judge the engine default
    if (hasUnresolvedRef(raw)) unknown.set(rule.field, { what, path });
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
      } else if (rule.type === 'list') {
        const l = lists.get(f);
        // a name only known when the pod runs is never judged: the rules that need the field say they could not check
        if (l?.value.some(isUnknown)) unknown.set(rule.field, { what: f, path: l.path ?? '' });
        else got = l;
      }
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

export function checkKvTransfer(cfg: Record<string, unknown>, path: ContainerPath, issues: ParseIssue[], where = '--kv-transfer-config'): void {
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
