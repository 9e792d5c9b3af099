// Shared vocabulary of the pipeline, usable from every layer (test/layers.test.ts): results (the KRM function spec's
// Result shape), rule findings and the user's rule overrides, resource references and the plain-object view of a
// Kubernetes object. Everything that reads a resource works on the plain view; everything
// that writes goes through the ResourceList document (src/read/items.ts) so comments, key order and quoting survive.

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

/** One problem a rule found. The message already says how to fix it. */
export interface Finding {
  message: string;
  resource?: ResourceRef;
  /** field path inside `resource`, kpt style: spec.template.spec.containers[0].args[3] */
  path?: string;
  currentValue?: unknown;
  proposedValue?: unknown;
}

/** The config's say over a rule (spec.rules / data.rules): another severity, or off. */
export type RuleOverride = Severity | 'off';
export type RuleOverrides = Readonly<Record<string, RuleOverride>>;

/** A Kubernetes object (or part of one) as plain JavaScript data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KObject = Record<string, any>;

export function isPlainObject(value: unknown): value is KObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Two references name the same object (no namespace and an empty one are the same). */
export function sameRef(a: ResourceRef, b: ResourceRef): boolean {
  return a.apiVersion === b.apiVersion && a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** An object's identity as the API server knows it (API group, kind, namespace, name), as a string key. */
export function identityOf(ref: ResourceRef): string {
  return JSON.stringify([ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '', ref.kind, ref.namespace ?? '', ref.name]);
}

/** The reference of an object: apiVersion, kind, name, and namespace when it has one. */
export function refOf(object: KObject): ResourceRef {
  const ref: ResourceRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name };
  const namespace: unknown = object.metadata?.namespace;
  if (typeof namespace === 'string' && namespace !== '') ref.namespace = namespace;
  return ref;
}
