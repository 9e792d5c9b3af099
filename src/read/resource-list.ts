// Read: stdin text → a ResourceList held as a YAML Document (for writing) plus a plain view of each item (for reading).
// Everything here is bounded (src/read/limits.ts) and every refusal is an InputError naming what and where.
// What this gives is read/ and write/'s own: the pipeline gets it as a ResourceDocument (src/read/document.ts).

import { isMap, isScalar, isSeq, Scalar, type CST, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { isPassThrough, type Item } from './items.js';
import { composeEntry, splitItems, type SplitList } from './lazy-items.js';
import { itemPackage, itemPath } from './kpt-annotations.js';
import { identityOf, isPlainObject, refOf, type KObject, type ResourceRef, type Result } from '../types.js';
import { DEFAULT_LIMITS, expandAliases, InputError, parseDocumentsBounded, toPlain, toPlainBounded } from './safe-yaml.js';
import { tooLargeMessage, type Limits } from './limits.js';
import { SourceScalar } from './yaml-options.js';
import { yamlErrorText } from './yaml-error.js';

export { InputError };

/** An item as read, with its node in the Document (composed the first time it is asked for). */
export interface ReadItem extends Item {
  /** the item's node in the Document: every change goes through it */
  node: YAMLMap;
}

/** The ResourceList as read: the Document, the items, and what the writer needs to copy texts (read/ and write/ only). */
export interface ParsedResourceList {
  doc: Document.Parsed;
  /** the text the Document was parsed from (the input without a byte-order mark): its node ranges point into it */
  source: string;
  apiVersion: string;
  itemsNode: YAMLSeq;
  items: ReadItem[];
  functionConfig?: KObject;
  /** the input was JSON (flow style); output is converted to block YAML */
  json: boolean;
  /** problems with the items as a whole (e.g. two items with one identity): error results, nothing is changed */
  problems: Result[];
  /**
   * Resources pd-disagg generated (added through src/read/document.ts): each stands in `itemsNode` as an empty map until it is written, and is
   * printed from its object (src/write/plain-yaml.ts), or made into nodes where that printer declines.
   */
  generated: Map<Node, KObject>;
  /**
   * Items read without composing them (src/read/lazy-items.ts; only with `lazyItems`): each stands in `itemsNode` as
   * an empty scalar until Item#node composes it; unread, it is unchanged and goes out as its text (`span`).
   */
  unread: Map<Node, UnreadItem>;
}

export interface UnreadItem {
  /** its `-` and the end of its text */
  span: { start: number; end: number };
  compose(): YAMLMap;
}

export interface ReadOptions {
  /** read items without composing them where the text allows (run() does; code that edits itemsNode itself must not) */
  lazyItems?: boolean;
}

const ACCEPTED_API_VERSIONS = ['config.kubernetes.io/v1', 'config.kubernetes.io/v1beta1', 'config.kubernetes.io/v1alpha1'];

export function readResourceList(text: string, limits: Limits = DEFAULT_LIMITS, options: ReadOptions = {}): ParsedResourceList {
  if (text.length > limits.maxInputBytes) throw new InputError(tooLargeMessage('stdin', limits.maxInputBytes));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new InputError('stdin is empty: expected a ResourceList (YAML or JSON), as kpt and kustomize send it');
  }
  // items can be read from the syntax tree without composing them when the fast reader read it and nothing is aliased
  let split: SplitList | undefined;
  const leaveItemsOut = (tokens: CST.Token[], fast: boolean) => {
    split = fast ? splitItems(tokens) : undefined;
    return split ? split.tokens : tokens;
  };
  const docs = parseDocumentsBounded(text, limits, 'stdin', options.lazyItems && !text.includes('*') ? leaveItemsOut : undefined);
  // `---` alone makes a document whose contents is an empty (null) scalar: not a document for our purposes
  const nonEmpty = docs.filter((d) => d.errors.length > 0 || !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  if (nonEmpty.length !== 1) {
    throw new InputError(
      nonEmpty.length === 0
        ? 'stdin holds no YAML document: expected a ResourceList'
        : `stdin holds ${nonEmpty.length} YAML documents: expected exactly one ResourceList, as kpt and kustomize send it ` +
            '(for a plain multi-document stream, as helm template or kustomize build print it, run pd-disagg --config FILE)',
    );
  }
  const doc = nonEmpty[0]!;
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new InputError(`stdin is not valid YAML: ${yamlErrorText(first, text)}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new InputError('stdin is not a ResourceList: the document is not a mapping');

  const kindNode = root.get('kind', true);
  const kind = scalarString(kindNode);
  const apiVersion = scalarString(root.get('apiVersion', true));
  if (kind !== 'ResourceList') {
    const what = kind ? `a "${kind}"` : kindNode === undefined ? 'a document without kind' : 'a document whose kind is not a string';
    throw new InputError(
      `stdin is ${what}, not a ResourceList: pd-disagg runs as a KRM function under kpt or kustomize; ` +
        'for plain manifests (helm template, kustomize build), run pd-disagg --config FILE with the config in FILE',
    );
  }
  if (!apiVersion || !ACCEPTED_API_VERSIONS.includes(apiVersion)) {
    throw new InputError(
      `ResourceList apiVersion ${apiVersion ? `"${apiVersion}"` : '(missing or not a string)'} is not supported: use one of ${ACCEPTED_API_VERSIONS.join(', ')}`,
    );
  }
  const itemsNode = root.get('items', true);
  if (!isSeq(itemsNode)) {
    throw new InputError('ResourceList.items is missing or not a list: there is nothing to transform');
  }
  const unread = new Map<Node, UnreadItem>();
  const lazy = split;
  if (lazy) {
    for (const entry of lazy.entries) {
      const standIn = new Scalar(null);
      standIn.range = [entry.span.start, entry.span.end, entry.span.end];
      itemsNode.items.push(standIn);
      unread.set(standIn, { span: entry.span, compose: () => composeEntry(lazy.seq, entry, text.length) });
    }
    const end = lazy.entries[lazy.entries.length - 1]!.span.end;
    itemsNode.range = [lazy.seq.offset, end, end];
  }
  if (itemsNode.items.length === 0) {
    throw new InputError(
      'ResourceList.items is empty: refusing to answer with an empty list (kpt would delete the package); ' +
        'give pd-disagg the prefill and decode workloads',
    );
  }

  // Bound the data as a whole (aliases, cycles, expanded size and depth) before anything walks it, then make every
  // alias a copy so that an edit through one node can never change another item. Aliases are the only way YAML data
  // can be recursive, bigger than its text or shared between items, and every alias is written with a `*`: text
  // without one has nothing for either step to find (the nesting depth was bounded on the syntax tree, the size by
  // the text's), and skipping both is a tenth of reading a small package (issue #7).
  if (text.includes('*')) {
    toPlainBounded(root as Node, doc, limits, 'the ResourceList');
    expandAliases(doc);
  }

  // From here on the data is bounded and alias-free: items and functionConfig become plain data without the checks.
  const items: ReadItem[] = itemsNode.items.map((node, index) => {
    const pending = lazy && unread.get(node as Node);
    if (!pending) return toItem(node, index, doc);
    const object = lazy.entries[index]!.object as KObject;
    return {
      index,
      object,
      ref: itemRef(object, index),
      // composed the first time something edits it
      get node(): YAMLMap {
        const standIn = itemsNode.items[index] as Node;
        const waiting = unread.get(standIn);
        if (!waiting) return standIn as YAMLMap;
        const composed = waiting.compose();
        itemsNode.items[index] = composed;
        unread.delete(standIn);
        return composed;
      },
    };
  });
  const fcNode = root.get('functionConfig', true) as Node | undefined;
  let functionConfig: KObject | undefined;
  if (fcNode !== undefined && fcNode !== null && !(isScalar(fcNode) && fcNode.value === null)) {
    const fc = toPlain(fcNode, doc);
    if (!isPlainObject(fc)) throw new InputError('ResourceList.functionConfig is not a mapping: give a PrefillDecode or a ConfigMap');
    functionConfig = fc;
  }
  const json = /^\s*\{/.test(text);
  return { doc, source: text, apiVersion, itemsNode, items, functionConfig, json, problems: duplicates(items, functionConfig), generated: new Map(), unread };
}

function toItem(node: unknown, index: number, doc: Document.Parsed): ReadItem {
  if (!isMap(node)) {
    const what = isSeq(node) ? 'a list' : isScalar(node) ? (node.value === null ? 'empty' : `the scalar ${JSON.stringify(short(node.value))}`) : 'not a mapping';
    throw new InputError(`items[${index}] is ${what}: every item must be a Kubernetes object (a mapping with apiVersion, kind and metadata.name)`);
  }
  const object = toPlain(node, doc);
  if (!isPlainObject(object)) throw new InputError(`items[${index}] is not a mapping`);
  return { index, node, object, ref: itemRef(object, index) };
}

/** An item's identity; an InputError when it is not a Kubernetes object. */
function itemRef(object: KObject, index: number): ResourceRef {
  const { apiVersion, kind, metadata } = object;
  const name = isPlainObject(metadata) ? metadata.name : undefined;
  const missing = [
    typeof apiVersion === 'string' && apiVersion ? undefined : 'apiVersion',
    typeof kind === 'string' && kind ? undefined : 'kind',
    typeof name === 'string' && name ? undefined : 'metadata.name',
  ].filter(Boolean);
  if (missing.length > 0) {
    const file = filePath(object);
    throw new InputError(
      `items[${index}]${file ? ` (${file})` : ''} is not a Kubernetes object: ${missing.join(', ')} must be ${missing.length > 1 ? 'non-empty strings' : 'a non-empty string'}`,
    );
  }
  const ref: ResourceRef = { apiVersion, kind, name };
  if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== 'string') {
    throw new InputError(`items[${index}] ${kind}/${name}: metadata.namespace must be a string`);
  }
  if (typeof metadata.namespace === 'string' && metadata.namespace) ref.namespace = metadata.namespace;
  return ref;
}

/**
 * Two items with one identity: pd-disagg finds and updates resources by identity, so it cannot tell which is meant.
 * Only within one kpt package (kpt's package-path): kpt renders nested packages and hands a parent's functions the
 * items of every subpackage, and two packages may hold same-named objects (a copy of a package in a subdirectory);
 * kpt merges nothing, and each package's pd-disagg finds its workloads in its own package (src/discover). Items
 * pd-disagg leaves alone (Kptfile, Kustomization, local-config objects, the functionConfig) are never held against
 * anything: a copied package's Kptfile and config carry the kind and name of the original's.
 */
function duplicates(items: readonly Item[], functionConfig: KObject | undefined): Result[] {
  const seen = new Map<string, Item>();
  const results: Result[] = [];
  const fcRef = functionConfig && isPlainObject(functionConfig.metadata) ? refOf(functionConfig) : undefined;
  for (const item of items) {
    if (isPassThrough(item, fcRef)) continue;
    const { kind, namespace, name } = item.ref;
    const key = JSON.stringify([itemPackage(item.object.metadata?.annotations) ?? '', identityOf(item.ref)]);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, item);
      continue;
    }
    const where = (i: Item) => `items[${i.index}]${filePath(i.object) ? ` (${filePath(i.object)})` : ''}`;
    results.push({
      message:
        `${kind}/${namespace ? `${namespace}/` : ''}${name} appears twice, as ${where(first)} and ${where(item)}: ` +
        'resource identities must be unique; remove or rename one',
      severity: 'error',
      resourceRef: item.ref,
      field: { path: 'metadata.name' },
      tags: { rule: 'duplicate-resource' },
    });
  }
  return results;
}

function filePath(object: KObject): string | undefined {
  return isPlainObject(object.metadata) ? itemPath(object.metadata.annotations) : undefined;
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

function short(value: unknown): string {
  const s = value instanceof SourceScalar ? value.source : String(value);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
