// Apply: carry out a plan's operations on the ResourceList document (src/read/items.ts). Knows nothing about P/D, nor
// how the document holds its items; edits go into the item's place, so everything around them (comments, key order,
// quoting, tool annotations) stays as it was.

import { describe } from '../discover/workloads.js';
import { formatPath, type Path } from '../paths.js';
import type { Op } from '../plan/types.js';
import { isManagedByUs, MANAGED_BY, MANAGED_BY_LABEL } from '../router/stack.js';
import type { ResourceDocument } from '../read/items.js';
import { isPlainObject, refOf, sameRef, type KObject, type ResourceRef, type Result } from '../types.js';
import { isToolAnnotation, newResourceAnnotations, nextIndexInFile } from './annotations.js';

export interface ApplyOutcome {
  /** what was changed, per resource (for the summary results), in the order of the first change */
  changes: { ref: ResourceRef; notes: string[] }[];
  results: Result[];
}

export function applyOps(input: ResourceDocument, ops: readonly Op[], newFilePath: string): ApplyOutcome {
  const byResource = new Map<string, { ref: ResourceRef; notes: string[] }>();
  const results: Result[] = [];
  const note = (ref: ResourceRef, text: string) => {
    const key = describe(ref);
    const entry = byResource.get(key) ?? { ref, notes: [] };
    entry.notes.push(text);
    byResource.set(key, entry);
  };
  let newIndex = nextIndexInFile(input.items, newFilePath);
  for (const op of ops) {
    switch (op.op) {
      case 'ensure': {
        const outcome = input.ensure(op.item, op.path, op.value);
        if (outcome === true) note(op.item.ref, `set ${op.note}`);
        else if (typeof outcome === 'string') results.push(notEditable(op.item.ref, op.path, outcome, op.note));
        break;
      }
      case 'append': {
        const problem = input.append(op.item, op.path, op.value);
        if (problem) results.push(notEditable(op.item.ref, op.path, problem, `add ${op.note}`));
        else note(op.item.ref, `added ${op.note}`);
        break;
      }
      case 'upsert': {
        const outcome = upsert(input, op.object, () => newResourceAnnotations(newFilePath, newIndex++));
        if (outcome === 'added' || outcome === 'refreshed') note(refOf(op.object), `${outcome} by pd-disagg`);
        else if (outcome === 'user-owned') results.push(userOwned(refOf(op.object)));
        break;
      }
    }
  }
  return { changes: [...byResource.values()], results };
}

/** A field pd-disagg must edit has the wrong type: an error naming it (the whole run then changes nothing). */
function notEditable(ref: ResourceRef, path: Path, why: string, what: string): Result {
  return {
    message: `cannot ${what} at ${formatPath(path)}: ${why}; fix the field's type (Kubernetes would reject it too)`,
    severity: 'error',
    resourceRef: ref,
    field: { path: formatPath(path) },
    tags: { rule: 'apply-not-editable' },
  };
}

type UpsertOutcome = 'added' | 'refreshed' | 'unchanged' | 'user-owned';

function upsert(input: ResourceDocument, object: KObject, annotationsForNew: () => Record<string, string>): UpsertOutcome {
  const ref = refOf(object);
  const existing = input.items.find((item) => sameRef(item.ref, ref));
  if (!existing) {
    const withPath = structuredClone(object);
    withPath.metadata.annotations = { ...(withPath.metadata.annotations ?? {}), ...annotationsForNew() };
    input.add(withPath);
    return 'added';
  }
  if (!isManagedByUs(existing.object)) return 'user-owned';
  if (sameWithoutToolAnnotations(existing.object, object)) return 'unchanged';
  const fresh = structuredClone(object);
  const kept = Object.entries(existing.object.metadata?.annotations ?? {}).filter(([k]) => isToolAnnotation(k));
  if (kept.length) fresh.metadata.annotations = { ...(fresh.metadata.annotations ?? {}), ...Object.fromEntries(kept) };
  input.replace(existing, fresh);
  return 'refreshed';
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * The two objects are equal when the tools' annotations (kpt's path and index, kustomize's ids) are left out of both,
 * and an annotations map that holds nothing else counts as none. Compared in place: nothing is copied.
 */
export function sameWithoutToolAnnotations(a: KObject, b: KObject): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length || !ka.every((k) => Object.hasOwn(b, k) && (k === 'metadata' || deepEqual(a[k], b[k])))) return false;
  const ma: unknown = a.metadata;
  const mb: unknown = b.metadata;
  if (!isPlainObject(ma) || !isPlainObject(mb)) return deepEqual(ma, mb);
  const fields = (m: KObject) => Object.keys(m).filter((k) => k !== 'annotations' || !onlyToolAnnotations(m.annotations));
  const fa = fields(ma);
  const fb = fields(mb);
  if (fa.length !== fb.length || !fa.every((k) => fb.includes(k))) return false;
  return fa.every((k) =>
    k === 'annotations' && isPlainObject(ma.annotations) && isPlainObject(mb.annotations)
      ? sameEntries(ma.annotations, mb.annotations, (key) => !isToolAnnotation(key))
      : deepEqual(ma[k], mb[k]),
  );
}

/** A map of annotations with nothing but the tools' in it (left out, it is no annotations at all). */
function onlyToolAnnotations(annotations: unknown): boolean {
  return isPlainObject(annotations) && Object.keys(annotations).every(isToolAnnotation);
}

/** The entries whose keys `keep` accepts are the same in both maps. */
function sameEntries(a: KObject, b: KObject, keep: (key: string) => boolean): boolean {
  const ka = Object.keys(a).filter(keep);
  return ka.length === Object.keys(b).filter(keep).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** The warning for an object pd-disagg would generate that the user already has, without pd-disagg's label. */
export function userOwned(ref: ResourceRef): Result {
  return {
    message:
      `${describe(ref)} already exists and is not managed by pd-disagg (no ${MANAGED_BY_LABEL}: ${MANAGED_BY} label); ` +
      'it is left as it is: check it matches the engines, or delete it to let pd-disagg generate it',
    severity: 'warning',
    resourceRef: ref,
    tags: { rule: 'generated-user-owned' },
  };
}
