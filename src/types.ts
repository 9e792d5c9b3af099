// Shared vocabulary of the pipeline: results (the KRM function spec's Result shape), resource references and
// the plain-object view of a Kubernetes object. Everything that reads a resource works on the plain view; everything
// that writes goes through the YAML Document (src/apply) so comments, key order and quoting survive.

export type Severity = 'error' | 'warning' | 'info';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One entry of ResourceList.results, as the functions spec defines it. Severity is always set explicitly:
 * kpt defaults a missing severity to info while the spec says error. */
export interface Result {
  message: string;
  severity: Severity;
  resourceRef?: ResourceRef;
  field?: { path: string; currentValue?: unknown; proposedValue?: unknown };
  file?: { path: string; index?: number };
  tags?: Record<string, string>;
}

/** A Kubernetes object (or part of one) as plain JavaScript data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObject = Record<string, any>;

export function isPlainObject(value: unknown): value is KObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
