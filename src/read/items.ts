// The ResourceList as the pipeline sees it: items it can read (plain data, identity, position) and edit through the
// document. How an item was read (composed into yaml nodes, or kept as text until something edits it) and how it will
// be written (copied from the input, printed from plain data, or printed by the yaml package) is src/read/document.ts's
// and src/write/write.ts's business alone: test/layers.test.ts keeps every other layer to this file.

import type { Path } from '../paths.js';
import { isPlainObject, sameRef, type KObject, type ResourceRef } from '../types.js';
import { LOCAL_CONFIG_ANNOTATION } from './kpt-annotations.js';

export interface Item {
  /** position in the items as read */
  index: number;
  /** plain view of the item */
  object: KObject;
  ref: ResourceRef;
}

/**
 * The items, and every change the pipeline makes to them. Edits of an item go into its place in the document, so the
 * comments, key order and quoting around them stay. An Item passed back may be a view of an item as read (same
 * `index`, an `object` that says what the document holds at that item: reconcile's view without this pair's
 * injections, after `delete` took them out).
 */
/** Items pd-disagg must never edit, nor hold against other items (two same-named local-config objects are nobody's
 * problem): kpt/kustomize plumbing, local-config objects and the functionConfig itself. */
export function isPassThrough(item: Item, functionConfig?: ResourceRef): boolean {
  const { ref, object } = item;
  if (ref.kind === 'Kptfile' && ref.apiVersion.startsWith('kpt.dev/')) return true;
  if ((ref.kind === 'Kustomization' || ref.kind === 'Component') && ref.apiVersion.startsWith('kustomize.config.k8s.io/')) return true;
  const annotations = object.metadata?.annotations;
  if (isPlainObject(annotations) && String(annotations[LOCAL_CONFIG_ANNOTATION]).toLowerCase() === 'true') return true;
  if (functionConfig && sameRef(ref, functionConfig)) return true;
  return false;
}

export interface ResourceDocument {
  readonly items: readonly Item[];
  readonly functionConfig?: KObject;
  /** Set `path` to `value` unless the item has a value there (null counts as none). true: set; false: already there;
   * a string: why it cannot be set (a parent is not a mapping or a list). */
  ensure(item: Item, path: Path, value: unknown): boolean | string;
  /** Append `value` to the list at `path` (made when missing); why it cannot, if it cannot. */
  append(item: Item, path: Path, value: unknown): string | undefined;
  /** Take the value at `path` out of the item. */
  delete(item: Item, path: Path): void;
  /** A resource pd-disagg generated: at the end of the items, or right before `before`. */
  add(object: KObject, before?: Item): void;
  /** The item is replaced by a resource pd-disagg generated. */
  replace(item: Item, object: KObject): void;
  /** The item leaves the items. */
  remove(item: Item): void;
}
