// Ownership: what pd-disagg generated or injected, how it is marked, and how a re-render takes it back out.
//
// The pair. A pair is named by its decode workload, `<Kind>/<name>` (e.g. `Deployment/qwen-decode`): the one identity
// that survives every edit of the config (metadata.name, the router version, the sidecar's form...) and that no two
// pairs can share, since each decode workload gets one routing sidecar. The config's own name is not used: renaming
// it must find the old stack to remove it.
//
// The markers.
//  - Every generated object carries the label app.kubernetes.io/managed-by: pd-disagg and the annotation
//    pd-disagg.dev/pair: <pair>.
//  - Every engine workload pd-disagg injected into carries pd-disagg.dev/pair: <pair> and pd-disagg.dev/injected, one
//    line per thing injected: where it is (list entries by their key: env and containers by name, ports by
//    containerPort, volumeMounts by mountPath) and a short hash of each field pd-disagg set, e.g.
//      spec.template.spec.containers[engine].env[VLLM_NIXL_SIDE_CHANNEL_HOST] valueFrom=1f0c7a2e
//      spec.template.metadata.labels[llm-d.ai/role] 5d41402a
//    Fields of an entry that are not listed (a `resources:` added to the sidecar) are the user's.
//  - With kpt, both also carry pd-disagg.dev/config: <the config's file> (configIdOf): a config moved to other
//    workloads (spec.decode edited: a new pair) takes back what its old pair left, and only that.
//
// A re-render first takes out of its view of the items everything the record lists (the "stripped view"), plans on
// that view exactly as on a fresh input, and then brings the items to the plan: what is unchanged stays untouched,
// what changed is rewritten, what the config no longer wants is removed (listed in info results). So a re-render of
// pd-disagg's own output after a config change gives what a fresh render gives.
//
// Hand edits. A recorded field whose hash no longer matches was edited by hand. Where the config has a knob for it
// (the sidecar's image, port, flags and form; the role and pool labels) the config wins: the field is brought back
// and a warning names the field and the knob. Where it has none (the NIXL env, ports, /dev/shm), the edit is kept and
// the entry becomes the user's: pd-disagg stops managing it and treats it as a value the user wrote. Inside an entry
// pd-disagg keeps managing (the sidecar), a field without a knob is the user's once edited: its value is kept, and
// one taken out stays out (the record lists it as `imagePullPolicy=absent`).

import type { PdConfig } from '../config/types.js';
import { ROLE_LABEL } from '../router/types.js';
import { getIn, type Path } from '../paths.js';
import { itemPackage, itemPath } from '../read/kpt-annotations.js';
import { sha256Hex } from './sha256.js';
import { isPlainObject, type KObject, type ResourceRef } from '../types.js';

/** The pod label the InferencePool selects a pair's pods by (its value: the base name). */
export const POOL_LABEL = 'pd-disagg.dev/pool';
export const PAIR_ANNOTATION = 'pd-disagg.dev/pair';
export const INJECTED_ANNOTATION = 'pd-disagg.dev/injected';
/** Beside the pair: which function config made it, so a config that moves to other workloads finds its old pair. */
export const CONFIG_ANNOTATION = 'pd-disagg.dev/config';

/**
 * The identity of a function config, stable across edits of its fields: the package file kpt read it from
 * (`config.kubernetes.io/path`, which kpt sets on a Kptfile `configPath` functionConfig). Only kpt feeds a render's
 * output to the next render, and two function configs of one package are two files. Nothing else identifies a config
 * across edits: not its name (renaming is an edit, and two configs may share one), and kpt's generated
 * `function-input` ConfigMap (kpt fn eval -- key=value, an inline Kptfile configMap) carries no path. Without an
 * identity a render finds its old pair by the pair (the decode workload) alone.
 */
export function configIdOf(fc: KObject | undefined): string | undefined {
  if (!isPlainObject(fc) || !isPlainObject(fc.metadata)) return undefined;
  const path = itemPath(fc.metadata.annotations);
  return path !== '' ? path : undefined;
}

/**
 * Is this object marked as made for this render's pair: the same pair, or, when the config has an identity, a pair
 * made by the same config (the config moved to other workloads: that pair is the one it replaces)? Never an object of
 * another kpt package: kpt renders a subpackage first and then gives its items to the parent's functions with paths
 * relative to the subpackage, so a subpackage's `pd-disagg.dev/config: pd-disagg.yaml` reads like the parent's own
 * marker; the package path kpt puts on every item and on the functionConfig tells them apart.
 */
export function ownedBy(annotations: unknown, pair: string, configId: string | undefined, configPackage?: string): boolean {
  if (!isPlainObject(annotations)) return false;
  const pkg = itemPackage(annotations);
  if (configPackage !== undefined && pkg !== undefined && pkg !== configPackage) return false;
  if (annotations[PAIR_ANNOTATION] === pair) return true;
  return configId !== undefined && annotations[CONFIG_ANNOTATION] === configId && typeof annotations[PAIR_ANNOTATION] === 'string';
}

export function pairIdOf(decode: ResourceRef): string {
  return `${decode.kind}/${decode.name}`;
}

/** One step of a locator: a map key, or a list entry named by its key (`entry`). */
export interface Step {
  key: string;
  entry?: boolean;
}

export interface Unit {
  locator: Step[];
  /** a scalar (or whole-value) unit: the hash of the value */
  hash?: string;
  /** an entry unit: the hash of each field pd-disagg set, the entry's key field aside */
  fields?: Record<string, string>;
}

const KEY_FIELDS: Record<string, string> = {
  env: 'name',
  volumes: 'name',
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
};

/**
 * The key an entry of the list `listName` is known by: its name (containerPort, mountPath). An entry without one is
 * known by its position (`@2`) when it holds something (a container without a name), by its hash (`#1a2b3c4d`) when
 * it is itself what was appended.
 */
export function entryKey(listName: string, entry: unknown, index?: number): string {
  const field = KEY_FIELDS[listName];
  // a name that starts like a position or a hash is told apart from them by a backslash
  const named = (k: string) => (/^[@#\\]/.test(k) ? `\\${k}` : k);
  if (field && isPlainObject(entry) && (typeof entry[field] === 'string' || typeof entry[field] === 'number')) return named(String(entry[field]));
  if (!field && isPlainObject(entry) && typeof entry.name === 'string') return named(entry.name);
  return index === undefined ? `#${hashValue(entry)}` : `@${index}`;
}

function keyFieldOf(listName: string, entry: KObject): string | undefined {
  const field = KEY_FIELDS[listName] ?? 'name';
  return Object.hasOwn(entry, field) ? field : undefined;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isPlainObject(value)) {
    const out: KObject = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical(value[k]);
    return out;
  }
  return value === undefined ? null : value;
}

/** The hash of a field that is not there: in the record, a field of an entry the user took out (no knob), kept out. */
export const ABSENT = 'absent';

export function hashValue(value: unknown): string {
  return value === undefined ? ABSENT : sha256Hex(JSON.stringify(canonical(value))).slice(0, 8);
}

const SIMPLE = /^[A-Za-z0-9_-]+$/;

export function formatLocator(locator: readonly Step[]): string {
  let out = '';
  for (const s of locator) {
    if (!s.entry && SIMPLE.test(s.key)) out += out ? `.${s.key}` : s.key;
    else out += `[${s.key.replace(/[\]\s%,=[]|[^\x21-\x7e]/gu, encodeURIComponent)}]`;
  }
  return out;
}

function parseLocator(text: string): Step[] | undefined {
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '.') i++;
    if (text[i] === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) return undefined;
      let key: string;
      try {
        key = decodeURIComponent(text.slice(i + 1, end));
      } catch {
        return undefined;
      }
      steps.push({ key, entry: true });
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
    if (!m) return undefined;
    steps.push({ key: m[0] });
    i += m[0].length;
  }
  return steps.length ? steps : undefined;
}

export function formatRecord(units: readonly Unit[]): string {
  return units
    .map((u) => {
      const what = u.hash ?? (Object.entries(u.fields ?? {}).map(([k, h]) => `${k}=${h}`).join(',') || '-');
      return `${formatLocator(u.locator)} ${what}`;
    })
    .join('\n');
}

/** The record's units; lines it cannot read are left out (their entries then stay, as the user's). */
export function parseRecord(text: unknown): Unit[] {
  if (typeof text !== 'string') return [];
  const units: Unit[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    const space = trimmed.lastIndexOf(' ');
    if (space <= 0) continue;
    const locator = parseLocator(trimmed.slice(0, space));
    const what = trimmed.slice(space + 1);
    if (!locator) continue;
    if (what === '-') units.push({ locator, fields: {} });
    else if (what.includes('=')) {
      const fields: Record<string, string> = {};
      for (const part of what.split(',')) {
        const eq = part.indexOf('=');
        if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
      }
      units.push({ locator, fields });
    } else units.push({ locator, hash: what });
  }
  return units;
}

/** Where a locator points in `object`: the concrete path, or undefined when it is not there. */
export function resolveLocator(object: unknown, locator: readonly Step[]): Path | undefined {
  const path: (string | number)[] = [];
  let cur: unknown = object;
  let listName = '';
  for (const step of locator) {
    if (Array.isArray(cur)) {
      const index = /^@\d+$/.test(step.key) ? Number(step.key.slice(1)) : cur.findIndex((e) => entryKey(listName, e) === step.key);
      if (index >= cur.length) return undefined;
      if (index < 0) return undefined;
      path.push(index);
      cur = cur[index];
    } else if (isPlainObject(cur) && Object.hasOwn(cur, step.key)) {
      path.push(step.key);
      cur = cur[step.key];
      listName = step.key;
    } else return undefined;
  }
  return path;
}

/**
 * The unit an ensure or append op makes, located in `object` (the item as the op will find it): numeric indices on
 * the way become the entries' keys, and an appended entry is named by its own key.
 */
export function unitOf(object: unknown, op: { op: 'ensure' | 'append'; path: Path; value: unknown }): Unit | undefined {
  const locator: Step[] = [];
  let cur: unknown = object;
  let listName = '';
  for (const key of op.path) {
    if (typeof key === 'number') {
      if (!Array.isArray(cur)) return undefined;
      locator.push({ key: entryKey(listName, cur[key], key), entry: true });
      cur = cur[key];
    } else {
      locator.push({ key });
      cur = isPlainObject(cur) ? cur[key] : undefined;
      listName = key;
    }
  }
  if (op.op === 'ensure') return { locator, hash: hashValue(op.value) };
  // what the plan appends is always a mapping: an env var, a port, a mount, a volume, the sidecar
  const entry = op.value as KObject;
  locator.push({ key: entryKey(listName, entry), entry: true });
  const keyField = keyFieldOf(listName, entry);
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry)) if (k !== keyField) fields[k] = hashValue(v);
  return { locator, fields };
}

/** Containers may move between initContainers and containers (spec.sidecar.native): their leftovers follow them. */
export function carryKey(locator: readonly Step[]): string {
  return formatLocator(locator.map((s, i) => (i === locator.length - 2 && s.key === 'initContainers' ? { ...s, key: 'containers' } : s)));
}

// ---- knobs ----------------------------------------------------------------------------------------------------------

/** The config field that sets an injected field, in the form the user writes the config in; undefined: none. */
export function knobFor(locator: readonly Step[], field: string | undefined, form: PdConfig['form']): string | undefined {
  const cm = form === 'ConfigMap';
  const list = locator.at(-2)?.key;
  const last = locator[locator.length - 1]?.key;
  if (list === 'labels') {
    if (last === ROLE_LABEL) return cm ? 'data.prefill / data.decode' : 'spec.prefill / spec.decode';
    if (last === POOL_LABEL) return cm ? 'data.name' : 'metadata.name';
    return undefined;
  }
  if (list === 'containers' || list === 'initContainers') {
    switch (field) {
      case 'image':
        return cm ? 'data.sidecarImage' : 'spec.sidecar.image';
      case 'args':
        return cm ? 'data.sidecarPort and data.eppVersion' : 'spec.sidecar.port and spec.epp.version';
      case 'ports':
        return cm ? 'data.sidecarPort' : 'spec.sidecar.port';
      case 'restartPolicy':
        return cm ? 'data.sidecarNative' : 'spec.sidecar.native';
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Does any field of this entry unit have a knob? Then the entry stays pd-disagg's, whatever the user did to a field. */
function entryHasKnob(unit: Unit, form: PdConfig['form']): boolean {
  return ['image', 'args', 'ports', 'restartPolicy'].some((f) => knobFor(unit.locator, f, form) !== undefined);
}

// ---- the stripped view --------------------------------------------------------------------------------------------

export interface Conflict {
  /** concrete path in the item as read */
  path: string;
  knob: string;
  current: unknown;
}

export interface Strip {
  /** the item without the units, as a fresh input would have it */
  object: KObject;
  /** paths to delete, in the item as read, in an order that keeps the later ones valid */
  deletions: Path[];
  /** the units taken out (their record entries, as read) */
  stripped: Unit[];
  /** units the user edited where no knob exists: kept, and the user's from now on */
  released: { unit: Unit; path: string; current: unknown; entry?: boolean; field?: string }[];
  /** fields the user edited where a knob exists: brought back, with a warning */
  conflicts: Conflict[];
  /** fields of stripped entries that are not pd-disagg's (added or taken over by the user), by carryKey */
  carried: Map<string, { extra: KObject; override: KObject; removed: string[] }>;
}

/**
 * The item without what its record says pd-disagg injected for `pair`. Only called for items whose
 * pd-disagg.dev/pair names this pair.
 */
export function stripOwned(object: KObject, form: PdConfig['form']): Strip {
  const units = parseRecord(object.metadata?.annotations?.[INJECTED_ANNOTATION]);
  const deletions: Path[] = [];
  const out: Strip = { object, deletions, stripped: [], released: [], conflicts: [], carried: new Map() };
  const fmt = (p: Path) => p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('').replace(/^\./, '');
  for (const unit of units) {
    const path = resolveLocator(object, unit.locator);
    if (!path) continue; // the user removed it: a fresh render adds it back if still wanted
    const current = getIn(object, path);
    if (unit.hash !== undefined) {
      if (hashValue(current) !== unit.hash) {
        const knob = knobFor(unit.locator, undefined, form);
        if (!knob) {
          out.released.push({ unit, path: fmt(path), current });
          continue;
        }
        out.conflicts.push({ path: fmt(path), knob, current });
      }
      out.stripped.push(unit);
      deletions.push(path);
      continue;
    }
    const entry = isPlainObject(current) ? current : {};
    const edited = Object.entries(unit.fields ?? {}).filter(([k, h]) => hashValue(entry[k]) !== h);
    const hasKnob = entryHasKnob(unit, form);
    if (edited.length > 0 && !hasKnob) {
      out.released.push({ unit, path: fmt(path), current: entry, entry: true });
      continue;
    }
    const listName = unit.locator.length >= 2 ? unit.locator[unit.locator.length - 2]!.key : '';
    const keyField = keyFieldOf(listName, entry);
    const carried = { extra: {} as KObject, override: {} as KObject, removed: [] as string[] };
    for (const [k, v] of Object.entries(entry)) {
      if (k === keyField) continue;
      if (!Object.hasOwn(unit.fields ?? {}, k)) carried.extra[k] = v;
    }
    // a field the user took out on an earlier render (recorded as absent) stays out
    for (const [k, h] of Object.entries(unit.fields ?? {})) if (h === ABSENT && !Object.hasOwn(entry, k)) carried.removed.push(k);
    for (const [k] of edited) {
      const knob = knobFor(unit.locator, k, form);
      if (knob) out.conflicts.push({ path: `${fmt(path)}.${k}`, knob, current: entry[k] });
      else {
        // no knob for this field of an entry pd-disagg keeps managing (the sidecar's imagePullPolicy): the user's value
        if (Object.hasOwn(entry, k)) carried.override[k] = entry[k];
        else carried.removed.push(k);
        out.released.push({ unit, path: `${fmt(path)}.${k}`, current: entry[k], field: k });
      }
    }
    if (Object.keys(carried.extra).length || Object.keys(carried.override).length || carried.removed.length) {
      out.carried.set(carryKey(unit.locator), carried);
    }
    out.stripped.push(unit);
    deletions.push(path);
  }
  // the markers go too; then collections left empty by the deletions (pd-disagg created them)
  const annotations = object.metadata?.annotations;
  if (isPlainObject(annotations)) {
    for (const key of [PAIR_ANNOTATION, CONFIG_ANNOTATION, INJECTED_ANNOTATION]) if (Object.hasOwn(annotations, key)) deletions.push(['metadata', 'annotations', key]);
  }
  out.object = deleteAll(structuredClone(object), deletions, out.deletions);
  return out;
}

/**
 * Delete the paths from `object` (later list entries first, so earlier indices stay valid), then every map or list
 * they leave empty up to the pod template or container holding them. `order` receives every deletion made, in
 * order, for the Document to repeat.
 */
function deleteAll(object: KObject, paths: Path[], order: Path[]): KObject {
  // a record that lists one entry twice takes it out once (a second splice at its index would take the next entry)
  const sorted = [...new Map(paths.map((p) => [JSON.stringify(p), p])).values()].sort(comparePathsDesc);
  order.length = 0;
  const parents = new Map<string, Path>();
  for (const path of sorted) {
    if (deleteAt(object, path)) order.push(path);
    for (let n = path.length - 1; n > 0; n--) {
      const parent = path.slice(0, n);
      parents.set(JSON.stringify(parent), parent);
    }
  }
  // deepest first: a parent emptied by its child's removal goes next
  for (const parent of [...parents.values()].sort((a, b) => b.length - a.length || comparePathsDesc(a, b))) {
    if (parent.length < 2 || !stopsAbove(parent)) continue;
    const value = getIn(object, parent);
    const empty = (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
    if (empty && deleteAt(object, parent)) order.push(parent);
  }
  return object;
}

/**
 * Only collections inside metadata or a pod spec/container are cleaned up, and a pod template's `metadata` (a
 * LeaderWorkerSet's leaderTemplate may have none until pd-disagg labels it), never the item's own skeleton.
 */
function stopsAbove(path: Path): boolean {
  const last = path[path.length - 1];
  return typeof last === 'string' && CLEANED.has(last);
}

const CLEANED = new Set(['labels', 'annotations', 'env', 'ports', 'volumes', 'volumeMounts', 'initContainers', 'metadata']);

function deleteAt(object: unknown, path: Path): boolean {
  const parent = getIn(object, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number' && key < parent.length) {
    parent.splice(key, 1);
    return true;
  }
  if (isPlainObject(parent) && typeof key === 'string' && Object.hasOwn(parent, key)) {
    delete parent[key];
    return true;
  }
  return false;
}

function comparePathsDesc(a: Path, b: Path): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(y) < String(x) ? -1 : 1;
  }
  return b.length - a.length;
}

/** The plan's ensure/append on plain data, as src/apply does them on the Document. */
export function applyPlain(object: KObject, op: { op: 'ensure' | 'append'; path: Path; value: unknown }): void {
  let cur: KObject = object;
  for (const key of op.path.slice(0, -1)) {
    let next = cur[key as string];
    if (next === undefined || next === null) {
      next = {};
      cur[key as string] = next;
    }
    if (typeof next !== 'object') return;
    cur = next;
  }
  const last = op.path[op.path.length - 1]! as string;
  if (op.op === 'ensure') {
    if (cur[last] === undefined || cur[last] === null) cur[last] = structuredClone(op.value);
    return;
  }
  if (Array.isArray(cur[last])) cur[last].push(structuredClone(op.value));
  else if (cur[last] === undefined || cur[last] === null) cur[last] = [structuredClone(op.value)];
}
