// The ResourceList document: the one home of how items are held. An item read without composing it
// (src/read/lazy-items.ts) stands in the items list as an empty scalar until something edits it; a resource pd-disagg
// generates stands in as an empty map and stays plain data until it is written (src/write/write.ts prints it from its
// object, or makes nodes of it where the plain printer declines). The pipeline sees none of that: it reads items and
// edits them through the ResourceDocument face (src/read/items.ts), and only src/write (and the run/stream
// boundary) may import this file.
//
// Edits of an item go through the yaml Document API, so everything around them (comments, key order, quoting, tool
// annotations) stays as it was. Changes to the list itself (added, replaced, removed resources) are kept aside and
// made in one pass when the document is written: until then every item stays at the index it was read at.

import { isMap, isScalar, isSeq, YAMLMap, type Document, type Node, type YAMLSeq } from 'yaml';
import { getIn, type Path } from '../paths.js';
import type { KObject, Result } from '../types.js';
import type { Item, ResourceDocument } from './items.js';
import type { Limits } from './limits.js';
import { readResourceList, type ParsedResourceList } from './resource-list.js';
import { DEFAULT_LIMITS } from './safe-yaml.js';
import { createNodeOptions } from './yaml-options.js';

/** A ResourceList text as a document (items read without composing them where the text allows). */
export function readDocument(text: string, limits: Limits = DEFAULT_LIMITS): ResourceListDocument {
  return new ResourceListDocument(readResourceList(text, limits, { lazyItems: true }));
}

export class ResourceListDocument implements ResourceDocument {
  readonly #list: ParsedResourceList;
  /** generated resources to put right before the read item at this index, in order */
  readonly #before = new Map<number, KObject[]>();
  readonly #atEnd: KObject[] = [];
  readonly #replaced = new Map<number, KObject>();
  readonly #removed = new Set<number>();
  #written = false;

  constructor(list: ParsedResourceList) {
    this.#list = list;
  }

  get items(): readonly Item[] {
    return this.#list.items;
  }

  get functionConfig(): KObject | undefined {
    return this.#list.functionConfig;
  }

  /** problems with the items as a whole (two items with one identity): error results; nothing is to be changed */
  get problems(): readonly Result[] {
    return this.#list.problems;
  }

  ensure(item: Item, path: Path, value: unknown): boolean | string {
    // already set in what the item holds: no need to compose its nodes to find that out
    if (isSet(item.object, path)) return false;
    return ensureNode(this.#list.doc, this.#node(item), path, value);
  }

  append(item: Item, path: Path, value: unknown): string | undefined {
    return appendNode(this.#list.doc, this.#node(item), path, value);
  }

  delete(item: Item, path: Path): void {
    this.#node(item).deleteIn(path);
  }

  add(object: KObject, before?: Item): void {
    this.#open();
    if (before === undefined) this.#atEnd.push(object);
    else this.#before.set(before.index, [...(this.#before.get(before.index) ?? []), object]);
  }

  replace(item: Item, object: KObject): void {
    this.#open();
    this.#replaced.set(item.index, object);
  }

  remove(item: Item): void {
    this.#open();
    this.#removed.add(item.index);
  }

  /**
   * The list with every change made, for src/write: the items list in its final order, generated resources and unread
   * items as their stand-ins. No edit after this.
   */
  written(): ParsedResourceList {
    if (this.#written) return this.#list;
    this.#written = true;
    const list = this.#list;
    if (this.#before.size === 0 && this.#atEnd.length === 0 && this.#replaced.size === 0 && this.#removed.size === 0) return list;
    const read = list.itemsNode.items as Node[];
    const next: Node[] = [];
    read.forEach((node, index) => {
      for (const object of this.#before.get(index) ?? []) next.push(generatedItemNode(list, object));
      if (this.#removed.has(index)) {
        forgetItemNode(list, node);
        return;
      }
      const replacement = this.#replaced.get(index);
      next.push(replacement === undefined ? node : generatedItemNode(list, replacement));
    });
    for (const object of this.#atEnd) next.push(generatedItemNode(list, object));
    list.itemsNode.items = next as never;
    return list;
  }

  #node(item: Item): YAMLMap {
    this.#open();
    const read = this.#list.items[item.index];
    if (!read) throw new Error(`no item at index ${item.index}`);
    return read.node;
  }

  #open(): void {
    if (this.#written) throw new Error('the document was edited after it was written');
  }
}

/**
 * A generated resource as an item node. It stands in the items as an empty map and stays plain data until it is
 * written: making yaml nodes for the whole stack is most of what writing it would cost on a cold start, and the writer
 * usually prints the object directly (src/write/write.ts).
 */
function generatedItemNode(list: ParsedResourceList, object: KObject): Node {
  const node = new YAMLMap(list.doc.schema);
  list.generated.set(node, object);
  return node;
}

/** An item node that leaves the items: forget its stand-in object or its unread text. */
function forgetItemNode(list: ParsedResourceList, node: Node): void {
  list.unread.delete(node);
  list.generated.delete(node);
}

/**
 * The item as read has a value (not null) at `path`. Nodes only gain values while a plan is applied, so a value read
 * is a value the node still has: what ensureNode() would find.
 */
function isSet(object: unknown, path: Path): boolean {
  const value = getIn(object, path);
  return value !== null && value !== undefined;
}

/** Walk to the collection that holds the last path segment, creating maps on the way (replacing nulls). */
function parentOf(doc: Document, root: YAMLMap, path: Path): YAMLMap | undefined {
  let node: Node = root;
  for (const key of path.slice(0, -1)) {
    if (isSeq(node) && !(typeof key === 'number' && key >= 0 && key <= node.items.length)) return undefined;
    let next = (node as YAMLMap).get(key, true) as Node | undefined;
    if (next === undefined || (isScalar(next) && next.value === null)) {
      next = doc.createNode({}, createNodeOptions) as Node;
      (node as YAMLMap).set(key, next);
    }
    if (!isMap(next) && !isSeq(next)) return undefined;
    node = next;
  }
  return node as YAMLMap;
}

/** A list takes only an index (at most one past the end). */
function fits(parent: YAMLMap | YAMLSeq, key: string | number): boolean {
  return !isSeq(parent) || (typeof key === 'number' && key >= 0 && key <= parent.items.length);
}

/** true: set; false: already there; a string: why it cannot be set (a parent is not a mapping or list). */
function ensureNode(doc: Document, root: YAMLMap, path: Path, value: unknown): boolean | string {
  const parent = parentOf(doc, root, path);
  const key = path[path.length - 1]!;
  if (!parent || !fits(parent, key)) return 'a parent of it is not a mapping or a list';
  const current = parent.get(key, true) as Node | undefined;
  if (current !== undefined && !(isScalar(current) && current.value === null)) return false;
  parent.set(key, doc.createNode(value, createNodeOptions));
  return true;
}

/** Append to the list at path; returns why it cannot, if it cannot. */
function appendNode(doc: Document, root: YAMLMap, path: Path, value: unknown): string | undefined {
  const parent = parentOf(doc, root, path);
  const key = path[path.length - 1]!;
  if (!parent || !fits(parent, key)) return 'a parent of it is not a mapping or a list';
  const current = parent.get(key, true) as Node | undefined;
  if (isSeq(current)) {
    current.items.push(doc.createNode(value, createNodeOptions) as Node);
    // a flow-style `[]` written by hand becomes a block list once it has entries
    if (current.flow && current.items.length === 1) current.flow = false;
    return undefined;
  }
  if (current === undefined || (isScalar(current) && current.value === null)) {
    parent.set(key, doc.createNode([value], createNodeOptions));
    return;
  }
  return 'it is not a list';
}
