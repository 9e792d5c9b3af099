// Untouched items go out as the text they came in as, instead of being serialised again: on a large package most
// items are not ours, and re-printing them is most of the writing (and of the garbage). It is also the most faithful
// answer: an item nobody changed comes back byte for byte, re-indented to the output's `items` column.
//
// An item is taken from the source only when that provably gives the same item: every edit the pipeline makes goes
// through the Document API, which creates nodes without a source range (ensure/append/upsert, parentOf), so an item
// is unchanged when every node in it still has its own range inside the item, no two overlap, and the text between
// them holds nothing but whitespace, comments and indicators (a deleted pair or entry would leave its words there).
// Anything else (aliases, anchors, tags, comments between items, CR line ends, lines left of the item's column)
// simply falls back to serialising the item, as before.

import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Node, type Scalar, type YAMLSeq } from 'yaml';
import { SourceScalar } from '../read/yaml-options.js';

/** The item's text from its `-` to its end, re-indented for a sequence at column 0; undefined when not provable. */
export function itemSourceText(text: string, items: YAMLSeq, index: number): string | undefined {
  const node = items.items[index];
  if (!isMap(node) || node.flow || !node.range) return undefined;
  const [start, , end] = node.range;
  // the entry's `-`: right before the first key, or before a kpt head comment (`- # comment`) that follows it
  let dash = start - 1;
  while (dash >= 0 && isSpace(text.charCodeAt(dash))) dash--;
  if (text.charCodeAt(dash) !== 0x2d /* - */) {
    const prev = index > 0 ? (items.items[index - 1] as Node | undefined) : undefined;
    const from = index === 0 ? items.range?.[0] : prev?.range?.[2];
    if (from === undefined || from > start) return undefined;
    dash = from;
    while (dash < start && isSpace(text.charCodeAt(dash))) dash++;
    if (text.charCodeAt(dash) !== 0x2d || !onlyPunctuation(text, dash + 1, start, false)) return undefined;
  }
  // a comment above the `-` belongs to the item but lies outside its text: print the item the usual way
  if (node.commentBefore && !text.slice(dash, start).includes('#')) return undefined;
  if (!unchanged(text, node, start, end)) return undefined;

  const lineStart = text.lastIndexOf('\n', dash) + 1;
  const column = dash - lineStart;
  for (let i = lineStart; i < dash; i++) if (text.charCodeAt(i) !== 0x20) return undefined;
  let last = end;
  while (last > dash && isSpace(text.charCodeAt(last - 1))) last--;
  const slice = text.slice(dash, last);
  if (slice.includes('\r')) return undefined;
  if (column === 0) return slice;
  const lines = slice.split('\n');
  const pad = ' '.repeat(column);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(pad)) lines[i] = line.slice(column);
    else if (line.trim() === '') lines[i] = '';
    else return undefined;
  }
  return lines.join('\n');
}

/** Every node of the item read from the source, in order, with nothing but punctuation between them. */
function unchanged(text: string, item: Node, start: number, end: number): boolean {
  // a walk in document order: each scalar must start at or after the end of the one before, and what lies between
  // two scalars must be punctuation
  let at = start;
  const walk = (n: unknown): boolean => {
    if (!isNode(n) || isAlias(n) || n.anchor) return false;
    const r = n.range;
    if (!r || r[0] < start || r[2] > end) return false;
    if (isScalar(n)) {
      if (r[0] < at || !asParsed(n) || !onlyPunctuation(text, at, r[0], true)) return false;
      at = r[1];
      return true;
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        // set() with a plain value stores it unwrapped: only nodes come from the parser
        if (!isPair(pair) || !walk(pair.key) || !walk(pair.value)) return false;
      }
      return true;
    }
    if (isSeq(n)) {
      for (const entry of n.items) if (!walk(entry)) return false;
      return true;
    }
    return false;
  };
  return walk(item) && onlyPunctuation(text, at, end, true);
}

/** The scalar still holds what the parser made of its text (set() on an existing scalar changes its value in place). */
function asParsed(n: Scalar): boolean {
  const { value, source } = n;
  if (typeof value === 'string') return value === source;
  if (value instanceof SourceScalar) return value.source === source;
  if (value === null) return source === undefined || /^(?:~|null|Null|NULL)?$/.test(source);
  return false;
}

/** Whitespace and comments only (and, inside an item, the indicators of block and flow collections). */
function onlyPunctuation(text: string, from: number, to: number, indicators: boolean): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      if (eol < 0 || eol >= to) return true;
      i = eol;
      continue;
    }
    // - : ? , [ ] { }
    if (indicators && (c === 0x2d || c === 0x3a || c === 0x3f || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d)) {
      continue;
    }
    return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}
