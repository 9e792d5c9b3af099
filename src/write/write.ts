// Write: the ResourceList back out as block YAML, with this run's results. Results are output only (kpt and kustomize
// never send them in), so any `results` in the input are replaced: running the output through again stays stable.

import { isMap, isScalar, Scalar, visit, type Document, type Node, type YAMLSeq } from 'yaml';
import type { ResourceListDocument } from '../read/document.js';
import type { ParsedResourceList } from '../read/resource-list.js';
import { createNodeOptions, toStringOptions } from '../read/yaml-options.js';
import type { Result } from '../types.js';
import { printListEntry, printTopLevelField } from './plain-yaml.js';
import { itemSourceText, spanText, unchangedSource } from './source-items.js';

/**
 * The document as ResourceList text, with this run's results. The writer decides, item by item, how each goes out:
 * copied from the input text, printed from plain data, or printed by the yaml package (see writeResourceList).
 */
export function writeDocument(document: ResourceListDocument, results: readonly Result[]): string {
  const list = document.written();
  if (!(list.itemsNode.items.length > 0)) throw new Error('refusing to write an empty items list');
  return writeResourceList(list, results, list.source);
}

/**
 * `sourceText` is the text the input was read from: items nobody changed are copied from it (src/write/source-items.ts)
 * and the resources pd-disagg generated are printed from their objects (src/write/plain-yaml.ts), rather than
 * serialised through yaml nodes. Without it, or for JSON input, every item is serialised.
 */
export function writeResourceList(input: ParsedResourceList, results: readonly Result[], sourceText?: string): string {
  const { doc, itemsNode } = input;
  const asText = sourceText !== undefined && !input.json && !itemsNode.flow;
  if (!asText) materializeAll(input);
  const texts = asText ? itemTexts(input, sourceText) : undefined;
  // the common case, written without the yaml package at all: the input's text with its items replaced
  const whole = texts && documentText(input, sourceText!, texts, results);
  if (whole !== undefined) return whole;
  // (the list is used up: its items, head comments and results are changed for printing and not put back)
  const fill = texts ? useItemTexts(input, texts.map((t) => t.text)) : undefined;
  keepItemHeadComments(itemsNode);
  doc.delete('results');
  if (input.json) toBlockStyle(doc);
  // results go last: printed from the objects and appended, where nothing (a comment, `...`) ends the document
  const resultsText = results.length > 0 && endsOpen(doc) ? printTopLevelField('results', results) : undefined;
  if (results.length > 0 && resultsText === undefined) doc.set('results', doc.createNode(results, createNodeOptions));
  let out = doc.toString(toStringOptions);
  // (also after a keep-chomping `|+` block ending the document: the yaml package puts them right after its last line)
  if (resultsText !== undefined) out += resultsText;
  return fill ? fill(out) : out;
}

interface ItemText {
  /** the item as text for a list at column 0, or undefined when it must be serialised */
  text: string | undefined;
  /** where the item's source text starts (its `-`) and ends; absent for generated items */
  span?: { start: number; end: number };
}

/**
 * Every item's text: generated resources printed from their objects, the others taken from the source (with what
 * pd-disagg added to them). All of them before anything is replaced: finding an item's `-` may look at the end of the
 * item before it.
 */
function itemTexts(input: ParsedResourceList, text: string): ItemText[] {
  return input.itemsNode.items.map((node, i) => {
    const object = input.generated.get(node as Node);
    if (object !== undefined) return { text: printListEntry(object) };
    // read without composing, so never changed: its text as it came
    const unread = input.unread.get(node as Node);
    if (unread) {
      // its text ends with its last value's: only the line break after it goes (trailing spaces there may be data,
      // e.g. the last line of a literal block)
      const { start, end } = unread.span;
      return { text: spanText(text, start, text.charCodeAt(end - 1) === 0x0a ? end - 1 : end, [], false), span: unread.span };
    }
    // filled in when the item has a text
    const span = {} as { start: number; end: number };
    const itemText = itemSourceText(text, input.itemsNode, i, input.doc, span);
    return itemText === undefined ? { text: undefined } : { text: itemText, span };
  });
}

/**
 * The whole ResourceList as text: the text it came as, with `items` holding the items' texts and this run's results
 * appended. Only where that is provably what printing the Document would mean: every item has a text; the root is a
 * block mapping whose other entries are unchanged, with nothing but whitespace and comments between them; no
 * `results` came in; nothing ends the document (`...`, a trailing comment); and between `items:` and its entries, and
 * between the entries, there is nothing but line breaks and indentation (a comment or a blank line there is left to
 * the yaml package to place).
 */
function documentText(input: ParsedResourceList, text: string, texts: readonly ItemText[], results: readonly Result[]): string | undefined {
  const { doc, itemsNode } = input;
  const root = doc.contents;
  // (the root is a block mapping: flow-style items have no texts, and a flow-style root holds flow-style items; a block
  // root's trailing comment is the document's)
  if (!isMap(root) || doc.comment || doc.directives?.docStart || doc.directives?.docEnd) return undefined;
  // (a comment after the last item lies inside the items' range: the check on what follows the last item sees it)
  if (texts.some((t) => t.text === undefined)) return undefined;
  // (a parsed node always has its range)
  const itemsEnd = itemsNode.range![2];
  // where `items` ends: the items node is a root entry, so the walk below always finds it
  let itemsKeyEnd = 0;
  let at = 0;
  // where the text of the last value after the items ends: trimming the document's end must not cut into it (a value
  // before the items ends before them, which the check on it below ignores)
  let valueEnd = 0;
  // results that came in (a re-run of pd-disagg's own output) are replaced: the text ends where they start, when they
  // are the last entry, after the items (what follows their value is blank space: a comment there is the document's)
  let limit = text.length;
  const last = root.items[root.items.length - 1]!;
  if (isScalar(last.key) && last.key.value === 'results') limit = last.key.range![0];
  for (const pair of root.items) {
    const key = pair.key;
    // every key at column 0, written `key:` (the items and the results follow at column 0)
    if (!isScalar(key) || !key.range || key.range[0] < at || !onlyComments(text, at, key.range[0]) || !atLineStart(text, key.range[0])) return undefined;
    if (key.value === 'results') {
      // the last entry (else the next key stands before `at`, the text's end)
      at = limit;
      continue;
    }
    if (pair.value === itemsNode) {
      itemsKeyEnd = key.range[1];
      at = itemsEnd;
      continue;
    }
    const pairEnd = unchangedSource(text, key) === undefined ? undefined : unchangedSource(text, pair.value);
    if (pairEnd === undefined) return undefined;
    at = (pair.value as Node).range![2];
    valueEnd = pairEnd;
  }
  if (!onlyComments(text, at, limit)) return undefined;
  // `items:` then the first entry; entries one after the other; the last one ends the list
  let cursor = itemsKeyEnd;
  // after `items` its colon, line break and the indentation; after an entry (whose text ends with its line break) only
  // the next one's indentation: a blank line or a comment there is the yaml package's to place
  let gap = /^: *\n *$/;
  const lines: string[] = [];
  for (const { text: itemText, span } of texts) {
    if (span) {
      if (!gap.test(text.slice(cursor, span.start))) return undefined;
      cursor = span.end;
      gap = /^ *$/;
    }
    lines.push(itemText!);
  }
  // the last item from the source ends the list, with its line break (generated resources come after it); a comment
  // line after it at its column lies inside the list's range
  if (cursor < itemsEnd || text.charCodeAt(itemsEnd - 1) !== 0x0a) return undefined;
  const resultsText = results.length > 0 ? printTopLevelField('results', results) : '';
  if (resultsText === undefined) return undefined;
  // what follows the items, ending in exactly one line break (as the yaml package ends a document) — unless more
  // line breaks than that belong to its last value (a keep-chomping `|+` block)
  const after = text.slice(itemsEnd, limit).replace(/\s+$/, '');
  if (valueEnd - (itemsEnd + after.length) > 1) return undefined;
  return `${text.slice(0, itemsKeyEnd)}:\n${lines.join('\n')}\n${after ? `${after}\n` : ''}${resultsText}`;
}

/** Offset `i` starts a line. */
function atLineStart(text: string, i: number): boolean {
  return i === 0 || text.charCodeAt(i - 1) === 0x0a;
}

/** Whitespace and comments only, from `from` to `to`. */
function onlyComments(text: string, from: number, to: number): boolean {
  return /^(?:[ \n]|#[^\n]*)*$/.test(text.slice(from, to));
}

/** Nothing is printed after the root mapping's last entry: a field appended to the text lands where set() puts it. */
function endsOpen(doc: Document): boolean {
  const root = doc.contents;
  return isMap(root) && !root.flow && !root.comment && !doc.comment && !doc.directives?.docEnd;
}

/**
 * Items without a text become nodes for the yaml package to print (all of them when items are not written as text):
 * generated resources from their objects, items read without composing from their tokens.
 */
function materialize(input: ParsedResourceList, index: number): void {
  const node = input.itemsNode.items[index] as Node;
  const object = input.generated.get(node);
  if (object !== undefined) {
    input.itemsNode.items[index] = input.doc.createNode(object, createNodeOptions) as Node;
    return;
  }
  const unread = input.unread.get(node);
  if (unread) input.itemsNode.items[index] = unread.compose();
}

function materializeAll(input: ParsedResourceList): void {
  for (let i = 0; i < input.itemsNode.items.length; i++) materialize(input, i);
}

/**
 * Stand a one-line placeholder in for every item that has a text (see itemTexts); after printing, the function returned
 * puts the item's text where its placeholder's line is. Generated resources without a text become nodes.
 */
function useItemTexts(input: ParsedResourceList, texts: readonly (string | undefined)[]): (out: string) => string {
  const items = input.itemsNode;
  const source = input.source;
  let nonce = Math.random().toString(36).slice(2, 10);
  while (source.includes(nonce)) nonce += Math.random().toString(36).slice(2, 4);
  const copies: string[] = [];
  for (let i = 0; i < items.items.length; i++) {
    const node = items.items[i] as Node;
    const itemText = texts[i];
    if (itemText === undefined) {
      materialize(input, i);
      continue;
    }
    const placeholder = new Scalar(`pd-disagg-source-item-${nonce}-${copies.length}`);
    placeholder.spaceBefore = node.spaceBefore;
    items.items[i] = placeholder;
    copies.push(itemText);
  }
  // the list is at column 0 unless the yaml package indents it (under an explicit key, `? |-` … `: - item`): the
  // copies' lines follow its column
  const line = new RegExp(`^((?:: +)? *)- pd-disagg-source-item-${nonce}-(\\d+)$`, 'gm');
  return (out) => {
    let filled = 0;
    const result = out.replace(line, (_, prefix: string, n: string) => {
      filled++;
      const copy = copies[Number(n)]!;
      return prefix === '' ? copy : prefix + copy.replace(/\n(?!\n|$)/g, `\n${' '.repeat(prefix.length)}`);
    });
    if (filled !== copies.length) throw new Error(`source-text write-back placed ${filled} of ${copies.length} items`);
    return result;
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

/**
 * JSON input would otherwise come back as flow YAML, which kpt then writes into every file of the package. It goes out
 * as the same data written in YAML by the yaml package would (test/write-source.test.ts "JSON input"): block
 * collections, empty ones as `{}` / `[]`, and strings in the style the yaml package picks for a new string.
 */
function toBlockStyle(doc: Document): void {
  visit(doc, {
    // JSON quotes every string: plain where that reads back the same, quoted where not, `|` for several lines
    Scalar: (_, node) => {
      if (node.type === 'QUOTE_DOUBLE' && typeof node.value === 'string') node.type = undefined;
    },
    Map: (_, node) => {
      node.flow = node.items.length === 0;
    },
    Seq: (_, node) => {
      node.flow = node.items.length === 0;
    },
  });
}
