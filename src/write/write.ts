// Write: the ResourceList back out as block YAML, with this run's results. Results are output only (kpt and kustomize
// never send them in), so any `results` in the input are replaced: running the output through again stays stable.

import { isCollection, isMap, isScalar, Scalar, visit, type Document, type Node, type YAMLSeq } from 'yaml';
import { readResourceList, type ResourceListInput } from '../read/resource-list.js';
import { createNodeOptions, toStringOptions } from '../read/yaml-options.js';
import type { Result } from '../types.js';
import { itemSourceText } from './source-items.js';

/**
 * `sourceText` is the text the input was read from: items nobody changed are copied from it (src/write/source-items.ts)
 * rather than serialised again. Without it, or for JSON input, every item is serialised.
 */
export function writeResourceList(input: ResourceListInput, results: readonly Result[], sourceText?: string): string {
  const { doc, itemsNode } = input;
  const restore = sourceText !== undefined && !input.json && !itemsNode.flow ? useSourceText(itemsNode, sourceText) : undefined;
  try {
    keepItemHeadComments(itemsNode);
    doc.delete('results');
    if (results.length > 0) doc.set('results', doc.createNode(results, createNodeOptions));
    if (input.json) toBlockStyle(doc);
    const out = doc.toString(toStringOptions);
    return restore ? restore.fill(out) : out;
  } finally {
    restore?.undo();
  }
}

/** On failure the items go back exactly as they came, with the results: no half-applied change reaches anyone. */
export function writeUnchanged(inputText: string, results: readonly Result[]): string {
  return writeResourceList(readResourceList(inputText), results, inputText);
}

/**
 * Stand a one-line placeholder in for every item that can be copied from the source; after printing, `fill` puts
 * the item's text where its placeholder's line is, and `undo` puts the nodes back.
 */
function useSourceText(items: YAMLSeq, text: string): { fill(out: string): string; undo(): void } | undefined {
  let nonce = Math.random().toString(36).slice(2, 10);
  while (text.includes(nonce)) nonce += Math.random().toString(36).slice(2, 4);
  const copies: string[] = [];
  const replaced: [number, Node][] = [];
  for (let i = 0; i < items.items.length; i++) {
    const source = itemSourceText(text, items, i);
    if (source === undefined) continue;
    const node = items.items[i] as Node;
    const placeholder = new Scalar(`pd-disagg-source-item-${nonce}-${copies.length}`);
    placeholder.spaceBefore = node.spaceBefore;
    replaced.push([i, node]);
    items.items[i] = placeholder;
    copies.push(source);
  }
  if (copies.length === 0) return undefined;
  const line = new RegExp(`^- pd-disagg-source-item-${nonce}-(\\d+)$`, 'gm');
  return {
    fill: (out) => {
      let filled = 0;
      const result = out.replace(line, (_, n: string) => {
        filled++;
        return copies[Number(n)]!;
      });
      if (filled !== copies.length) throw new Error(`source-text write-back placed ${filled} of ${copies.length} items`);
      return result;
    },
    undo: () => {
      for (const [i, node] of replaced) items.items[i] = node;
    },
  };
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
