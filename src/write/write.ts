// Write: the ResourceList back out as block YAML, with this run's results. Results are output only (kpt and kustomize
// never send them in), so any `results` in the input are replaced: running the output through again stays stable.

import { isCollection, isMap, isScalar, visit, type Document, type YAMLSeq } from 'yaml';
import { readResourceList, type ResourceListInput } from '../read/resource-list.js';
import { createNodeOptions, toStringOptions } from '../read/yaml-options.js';
import type { Result } from '../types.js';

export function writeResourceList(input: ResourceListInput, results: readonly Result[]): string {
  const { doc } = input;
  keepItemHeadComments(input.itemsNode);
  doc.delete('results');
  if (results.length > 0) doc.set('results', doc.createNode(results, createNodeOptions));
  if (input.json) toBlockStyle(doc);
  return doc.toString(toStringOptions);
}

/** On failure the items go back exactly as they came, with the results: no half-applied change reaches anyone. */
export function writeUnchanged(inputText: string, results: readonly Result[]): string {
  return writeResourceList(readResourceList(inputText), results);
}

/**
 * kpt writes an item's leading comment as `- # comment` (a comment on its first key) and, after the function ran,
 * copies the original comments back by id. The yaml package would print the comment above the `- ` instead, which kpt
 * reads as a different comment and keeps next to the restored one: the file would gain a duplicate. Put it back on the
 * first key so kpt finds the comment where it left it.
 */
function keepItemHeadComments(items: YAMLSeq): void {
  for (const item of items.items) {
    if (!isMap(item) || !item.commentBefore) continue;
    const key = item.items[0]?.key;
    if (!isScalar(key)) continue;
    key.commentBefore = key.commentBefore ? `${item.commentBefore}\n${key.commentBefore}` : item.commentBefore;
    item.commentBefore = undefined;
  }
}

/** JSON input would otherwise come back as flow YAML, which kpt then writes into every file of the package. */
function toBlockStyle(doc: Document): void {
  visit(doc, {
    // JSON quotes every string; plain style where that reads back the same (the yaml package quotes the rest)
    Scalar: (_, node) => {
      if (node.type === 'QUOTE_DOUBLE' && typeof node.value === 'string') node.type = 'PLAIN';
    },
    Map: (_, node) => {
      node.flow = false;
    },
    Seq: (_, node) => {
      node.flow = node.items.length === 0;
    },
  });
  if (isCollection(doc.contents) && isMap(doc.contents)) doc.contents.flow = false;
}
