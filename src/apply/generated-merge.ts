// What a user added to a generated object survives its refresh: a field pd-disagg never generates for that kind (a
// `resources:` on the EPP container, a node selector), an entry of a named list it never generates (another env var,
// container, volume or Service port), a label or annotation it does not set. Everything pd-disagg generates is
// brought to the plan; a field it generated before and no longer does goes with the refresh.
//
// "Never generates" is measured, not listed: the routing stack is built for every router version, with and without
// a gateway namespace, with and without metrics auth, and the union of its field paths is what pd-disagg manages (plus whatever the plan generates
// now). Selectors are closed: a label added to a selector would change what it selects, so they are the plan's alone.
// Both are measured only when a merge meets a field or list entry the plan does not generate now: a refresh that
// only brings pd-disagg's own fields to the plan builds no stack at all.

import { buildRoutingStack, EPP_CONFIG_KEY } from '../router/stack.js';
import { ROUTER_VERSIONS } from '../router/types.js';
import { isPlainObject, type KObject } from '../types.js';

interface Shape {
  /** `<kind>:<path>` of every map key pd-disagg may write */
  keys: Set<string>;
  /** `<kind>:<path of a named list>` → the entry names pd-disagg may write there */
  entries: Map<string, Set<string>>;
}

let generatedShape: Shape | undefined;

/** Every field and named entry the routing stack has for some router version and option. */
function everGenerated(): Shape {
  if (generatedShape) return generatedShape;
  const s: Shape = { keys: new Set(), entries: new Map() };
  for (const version of ROUTER_VERSIONS) {
    for (const [gateway, metricsAuth] of [[{ name: 'g' }, true], [{ name: 'g', namespace: 'n' }, false]] as const) {
      const stack = buildRoutingStack({
        version,
        name: 'x',
        namespace: 'ns',
        poolSelector: { k: 'v' },
        targetPort: 8000,
        configMapName: 'x-epp-config',
        configKey: EPP_CONFIG_KEY,
        configText: '',
        configChecksum: '',
        gateway,
        metricsAuth,
      });
      for (const object of stack) record(s, object.kind, object, '');
    }
  }
  generatedShape = s;
  return s;
}

/** What pd-disagg manages of one object's kind: measured on first use (see above). */
class Managed {
  #now: Shape | undefined;
  constructor(private readonly desired: KObject) {}
  /** the map key at `path` is one pd-disagg generates (ever, or now) */
  key(kind: string, path: string): boolean {
    return everGenerated().keys.has(`${kind}:${path}`) || this.now().keys.has(`${kind}:${path}`);
  }
  /** the entry names pd-disagg ever generates in the named list at `path` */
  entries(kind: string, path: string): Set<string> | undefined {
    return everGenerated().entries.get(`${kind}:${path}`);
  }
  private now(): Shape {
    if (!this.#now) {
      this.#now = { keys: new Set(), entries: new Map() };
      record(this.#now, this.desired.kind, this.desired, '');
    }
    return this.#now;
  }
}

function record(s: Shape, kind: string, value: unknown, path: string): void {
  if (isPlainObject(value)) {
    if (isValueMap(kind, path)) return;
    for (const [k, v] of Object.entries(value)) {
      const p = path ? `${path}.${k}` : k;
      s.keys.add(`${kind}:${p}`);
      record(s, kind, v, p);
    }
  } else if (Array.isArray(value)) {
    for (const entry of value) {
      const name = nameOf(entry);
      if (name !== undefined) {
        const key = `${kind}:${path}`;
        if (!s.entries.has(key)) s.entries.set(key, new Set());
        s.entries.get(key)!.add(name);
      }
      record(s, kind, entry, `${path}[${name ?? '*'}]`);
    }
  }
}

function nameOf(entry: unknown): string | undefined {
  return isPlainObject(entry) && typeof entry.name === 'string' ? entry.name : undefined;
}

/** Maps whose keys are data, not fields: labels, annotations, ConfigMap data, selectors. */
function isValueMap(kind: string, path: string): boolean {
  return /(^|\.)(labels|annotations|matchLabels)$/.test(path) || path === 'data' || (kind === 'Service' && path === 'spec.selector');
}

/** Selectors: the plan's alone. */
function isClosed(kind: string, path: string): boolean {
  return /(^|\.)matchLabels$/.test(path) || (kind === 'Service' && path === 'spec.selector');
}

/** The generated object `desired`, with what the user added to `existing` (the copy in the items) kept. */
export function mergeGenerated(desired: KObject, existing: KObject): KObject {
  return merge(desired.kind, existing, desired, '', new Managed(desired)) as KObject;
}

function merge(kind: string, existing: unknown, desired: unknown, path: string, managed: Managed): unknown {
  if (isPlainObject(desired) && isPlainObject(existing)) {
    const out: KObject = {};
    for (const [k, v] of Object.entries(desired)) {
      const p = path ? `${path}.${k}` : k;
      out[k] = Object.hasOwn(existing, k) ? merge(kind, existing[k], v, p, managed) : structuredClone(v);
    }
    if (isClosed(kind, path)) return out;
    const valueMap = isValueMap(kind, path);
    for (const [k, v] of Object.entries(existing)) {
      if (Object.hasOwn(desired, k)) continue;
      const p = path ? `${path}.${k}` : k;
      if (valueMap ? k.startsWith('pd-disagg.dev/') : managed.key(kind, p)) continue;
      out[k] = structuredClone(v);
    }
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(existing) && desired.length > 0 && desired.every((d) => nameOf(d) !== undefined)) {
    const out: unknown[] = desired.map((d) => {
      const match = existing.find((e) => nameOf(e) === nameOf(d));
      return match === undefined ? structuredClone(d) : merge(kind, match, d, `${path}[${nameOf(d)}]`, managed);
    });
    for (const e of existing) {
      const name = nameOf(e);
      if (name === undefined || desired.some((d) => nameOf(d) === name) || managed.entries(kind, path)?.has(name)) continue;
      out.push(structuredClone(e));
    }
    return out;
  }
  return structuredClone(desired);
}
