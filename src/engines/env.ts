// The engine container's environment: its env entries read once (literal values after $(VAR) expansion, values only
// the pod knows), and what the workload controller injects.

import { isPlainObject, type KObject } from '../types.js';
import { expandKubeVars } from './expand.js';
import { ISSUE_CODES } from './issue-codes.js';
import type { EngineEnvVar, ParseIssue } from './types.js';

export interface EnvRead {
  env: Record<string, EngineEnvVar>;
  /** literal values after $(VAR) expansion */
  literal: Map<string, string>;
  /** set, but the value is not known here (valueFrom) */
  opaque: Set<string>;
  hasEnvFrom: boolean;
}

export function readEnv(container: KObject, issues: ParseIssue[]): EnvRead {
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

/** Variables the workload controller sets in every container unless the container sets them itself: a string when
 * the manifest fixes the value (LeaderWorkerSet's LWS_GROUP_SIZE), null when only the pod knows it. */
export type RuntimeEnv = Readonly<Record<string, string | null>>;
