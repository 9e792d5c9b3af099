// Read: stdin text → a ResourceList held as a YAML Document (for writing) plus a plain view of each item (for reading).

import { isMap, isSeq, parseAllDocuments, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { isPlainObject, type KObject, type ResourceRef } from '../types.js';
import { parseOptions, toPlain } from './yaml-options.js';

/** A problem with the input itself: reported on stderr, exit 1, nothing on stdout. */
export class InputError extends Error {}

export interface Item {
  /** position in `items` */
  index: number;
  /** the item's node in the Document: every change goes through it */
  node: YAMLMap;
  /** plain view of the item as read */
  object: KObject;
  ref: ResourceRef;
}

export interface ResourceListInput {
  doc: Document.Parsed;
  apiVersion: string;
  itemsNode: YAMLSeq;
  items: Item[];
  functionConfig?: KObject;
  /** the input was JSON (flow style); output is converted to block YAML */
  json: boolean;
}

const ACCEPTED_API_VERSIONS = ['config.kubernetes.io/v1', 'config.kubernetes.io/v1beta1', 'config.kubernetes.io/v1alpha1'];

export function readResourceList(text: string): ResourceListInput {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    throw new InputError('stdin is empty: expected a ResourceList (YAML or JSON), as kpt and kustomize send it');
  }
  const docs = parseAllDocuments(text, parseOptions);
  if (!Array.isArray(docs)) throw new InputError('stdin holds no YAML document: expected a ResourceList');
  const nonEmpty = docs.filter((d) => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length !== 1) {
    throw new InputError(
      `stdin holds ${nonEmpty.length} YAML documents: expected exactly one ResourceList ` +
        '(to transform a plain multi-document stream, use stream mode: pd-disagg --config FILE)',
    );
  }
  const doc = nonEmpty[0]!;
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw new InputError(`stdin is not valid YAML: ${first.message.split('\n')[0]}`);
  }
  const root = doc.contents;
  if (!isMap(root)) throw new InputError('stdin is not a ResourceList: the document is not a mapping');

  const kind = scalarString(root.get('kind'));
  const apiVersion = scalarString(root.get('apiVersion'));
  if (kind !== 'ResourceList') {
    throw new InputError(
      `stdin is a ${kind ? `"${kind}"` : 'document without kind'}, not a ResourceList: ` +
        'pd-disagg runs as a KRM function under kpt or kustomize (or use pd-disagg --config FILE for a plain stream)',
    );
  }
  if (!apiVersion || !ACCEPTED_API_VERSIONS.includes(apiVersion)) {
    throw new InputError(
      `ResourceList apiVersion ${apiVersion ? `"${apiVersion}"` : '(missing)'} is not supported: use one of ${ACCEPTED_API_VERSIONS.join(', ')}`,
    );
  }
  const itemsNode = root.get('items', true);
  if (!isSeq(itemsNode)) {
    throw new InputError('ResourceList.items is missing or not a list: there is nothing to transform');
  }
  if (itemsNode.items.length === 0) {
    throw new InputError(
      'ResourceList.items is empty: refusing to answer with an empty list (kpt would delete the package); ' +
        'give pd-disagg the prefill and decode workloads',
    );
  }

  const items: Item[] = itemsNode.items.map((node, index) => toItem(node, index, doc));
  const fcNode = root.get('functionConfig', true);
  let functionConfig: KObject | undefined;
  if (fcNode !== undefined && fcNode !== null) {
    const fc = typeof (fcNode as { toJS?: unknown }).toJS === 'function' ? toPlain(fcNode as never, doc) : fcNode;
    if (fc !== null && fc !== undefined) {
      if (!isPlainObject(fc)) throw new InputError('ResourceList.functionConfig is not a mapping: give a PrefillDecode or a ConfigMap');
      functionConfig = fc;
    }
  }
  const json = /^\s*\{/.test(text);
  return { doc, apiVersion, itemsNode, items, functionConfig, json };
}

function toItem(node: unknown, index: number, doc: Document.Parsed): Item {
  if (!isMap(node)) throw new InputError(`items[${index}] is not a mapping: every item must be a Kubernetes object`);
  let object: unknown;
  try {
    object = toPlain(node, doc);
  } catch (err) {
    throw new InputError(`items[${index}] cannot be read: ${(err as Error).message}`);
  }
  if (!isPlainObject(object)) throw new InputError(`items[${index}] is not a mapping`);
  const { apiVersion, kind, metadata } = object;
  const name = isPlainObject(metadata) ? metadata.name : undefined;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string' || !apiVersion || !kind || !name) {
    throw new InputError(
      `items[${index}] is not a Kubernetes object: apiVersion, kind and metadata.name must be non-empty strings`,
    );
  }
  const ref: ResourceRef = { apiVersion, kind, name };
  if (isPlainObject(metadata) && typeof metadata.namespace === 'string' && metadata.namespace) ref.namespace = metadata.namespace;
  return { index, node, object, ref };
}

function scalarString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
