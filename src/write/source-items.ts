// Items go out as the text they came in as, instead of being serialised again: on a large package most items are not
// ours, and re-printing them is most of the writing (and of the garbage); on a small one the engines pd-disagg wires
// are, and printing only what it added to them is most of the rest (issue #7). It is also the most faithful answer:
// an item comes back byte for byte, re-indented to the output's `items` column, with pd-disagg's additions in place.
//
// An item is taken from the source only when that provably gives the same item: every edit the pipeline makes goes
// through the Document API, which creates nodes without a source range (ensure/append/upsert, parentOf), so an item
// is unchanged when every node in it still has its own range inside the item, no two overlap, and the text between
// them holds nothing but whitespace, comments and indicators (a deleted pair or entry would leave its words there).
// The one kind of change it writes itself is what ensure and append make: new pairs at the end of an existing block
// mapping and new entries at the end of an existing block sequence, printed by src/write/plain-yaml.ts at the
// collection's column, right after its last line (comment lines there stay where they are). Anything else (a changed
// or replaced value, an addition to a flow collection, aliases expanded, comments above an item's `-`, CR line ends,
// lines left of the item's column, a `!!binary` scalar) falls back to serialising the item, as before. Comments are
// not compared: pd-disagg never edits the comments of a node it read (a comment set on one by code would be lost).

import { isMap, isNode, isPair, isScalar, isSeq, type Document, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { printEntry, printPair } from './plain-yaml.js';
import { SourceScalar } from '../read/yaml-options.js';

/**
 * The item's text from its `-` to its end, with what pd-disagg appended to it, re-indented for a sequence at column 0;
 * undefined when not provable. Without `doc`, only an unchanged item is taken.
 */
export function itemSourceText(
  text: string,
  items: YAMLSeq,
  index: number,
  doc?: Document,
  span?: { start: number; end: number },
): string | undefined {
  // (an item is a mapping, block or flow: the reader refuses anything else; one built by code has no range)
  const node = items.items[index] as Node;
  if (!node.range) return undefined;
  const [start, , end] = node.range;
  // the entry's `-`: right before the first key, or before a kpt head comment (`- # comment`) that follows it
  let dash = start - 1;
  while (isSpace(text.charCodeAt(dash))) dash--;
  if (text.charCodeAt(dash) !== 0x2d /* - */) {
    // (items put in another order: the text between is not this item's, and neither holds the `#` of the comment
    // the search runs for — it runs only when a comment stands between `-` and key, node.commentBefore — so the check
    // after it declines the item)
    const from = index === 0 ? items.range?.[0] : (items.items[index - 1] as Node).range?.[2];
    if (from === undefined) return undefined;
    dash = from;
    while (isSpace(text.charCodeAt(dash))) dash++; // (stops at the first key at the latest)
    // (the `-`: the item's dash lies between, so anything else found first is followed by it, which fails this)
    if (!onlyPunctuation(text, dash + 1, start, false)) return undefined;
  }
  // a comment above the `-` belongs to the item but lies outside its text: print the item the usual way
  if (node.commentBefore && !text.slice(dash, start).includes('#')) return undefined;
  const walked = sourceWithAdditions(text, node, start, end, doc);
  if (!walked) return undefined;
  const { insertions, valueEnd } = walked;
  // the item's text ends at its last non-blank character, and the output puts one line break after it: if that
  // cuts more than one line break from its last value (the ones a keep-chomping `|+` block holds), it is not copied
  let tail = end;
  while (isSpace(text.charCodeAt(tail - 1))) tail--;
  // (what pd-disagg adds after that last value ends the item instead, and the block keeps its line breaks)
  if (valueEnd - tail > 1 && !insertions.some((i) => i.at >= valueEnd)) {
    // a keep-chomping block's line breaks end the item: its text runs to the last of them, less the one the output
    // puts after every item (with something added inside the item before it, the yaml package is left to place it)
    if (insertions.length > 0) return undefined;
    if (span) {
      span.start = dash;
      span.end = end;
    }
    return spanText(text, dash, valueEnd - 1, [], false);
  }
  if (span) {
    span.start = dash;
    span.end = end;
  }
  return spanText(text, dash, end, insertions);
}

/**
 * The text of an item from its `-` to `end`, with the insertions made, its trailing blank space cut, re-indented for a
 * sequence at column 0; undefined when its lines do not all stand right of its `-` (or use CR line ends).
 */
export function spanText(text: string, dash: number, end: number, insertions: readonly Insertion[], trim = true): string | undefined {
  const lineStart = text.lastIndexOf('\n', dash) + 1;
  // (an item's `-` follows the indentation, or `: ` under an explicit `? items` key: the lines below stand right of both)
  const column = dash - lineStart;
  let raw = '';
  let from = dash;
  for (const { at, text: added } of insertions) {
    raw += text.slice(from, at) + added;
    from = at;
  }
  raw += text.slice(from, end);
  let last = raw.length;
  while (trim && isSpace(raw.charCodeAt(last - 1))) last--;
  const slice = raw.slice(0, last);
  if (slice.includes('\r')) return undefined;
  if (column === 0) return slice;
  const lines = slice.split('\n');
  const pad = ' '.repeat(column);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(pad)) lines[i] = line.slice(column);
    else if (/^[ ]*$/.test(line)) lines[i] = '';
    else return undefined;
  }
  return lines.join('\n');
}

interface Insertion {
  /** offset in the source, at a line start */
  at: number;
  /** whole lines */
  text: string;
}

/**
 * Where the text of the node's last value ends, if the node still says exactly what its source text says (nothing
 * added, changed or removed); undefined otherwise.
 */
export function unchangedSource(text: string, node: unknown): number | undefined {
  if (!isNode(node) || !node.range) return undefined;
  const walked = sourceWithAdditions(text, node, node.range[0], node.range[2], undefined);
  // (without the Document nothing added is printed: the walk fails on it)
  return walked?.valueEnd;
}

/**
 * Every node of the item read from the source, in order, with nothing but punctuation between them — and after the
 * last child of a block collection, the children appended to it: the insertions that print them (in source order;
 * an inner collection's before its parent's at the same offset), and where the last value's text ends. Undefined for
 * any other change.
 */
function sourceWithAdditions(
  text: string,
  item: Node,
  start: number,
  end: number,
  doc: Document | undefined,
): { insertions: Insertion[]; valueEnd: number } | undefined {
  // a walk in document order: each scalar must start at or after the end of the one before, and what lies between
  // two scalars must be punctuation and the properties (tag, anchor) of the nodes that start there: a collection's
  // may stand before its range (`&a [`, `!!map` on the line above) or before its first key's (`!!str a: b`), so they
  // are checked together with the next scalar's
  let at = start;
  const insertions: Insertion[] = [];
  let pending: Node[] = [];
  const startsHere = (n: Node, r: readonly number[]): boolean => {
    pending.push(n);
    const ok = onlyPunctuationAndProps(text, at, r[0]!, pending, doc);
    pending = [];
    return ok;
  };
  const walk = (n: unknown): boolean => {
    // a node read from the source (an alias is none of the kinds below; set() on an existing key may store plain data,
    // which has no range; null and undefined never get here: a pair's null value is handled below, a new entry is fresh)
    const r = (n as Partial<Node>).range;
    // (`at` starts at the item's start: a node from before it starts before `at`)
    if (!r || r[2] > end || r[0] < at) return false;
    if (isScalar(n)) {
      if (!asParsed(n) || !startsHere(n, r)) return false;
      at = r[1];
      return true;
    }
    if (!isMap(n) && !isSeq(n)) return false;
    if (n.items.length === 0) {
      // `{}` or `[]`
      if (!startsHere(n, r)) return false;
      at = r[1];
      return true;
    }
    pending.push(n);
    const added: unknown[] = [];
    for (const child of n.items as unknown[]) {
      // set() and push() add nodes without a range (set() with a plain key stores the key unwrapped)
      const fresh = isPair(child) ? !(isNode(child.key) && child.key.range) : !(isNode(child) && child.range);
      if (fresh) added.push(child);
      else if (added.length > 0) return false; // something new before something old: not an addition at the end
      else if (isPair(child)) {
        if (!walk(child.key)) return false;
        // an entry written without a value indicator (`{ key, other: x }`, `? key` alone) has no value node at all:
        // its text up to the next entry or the collection's end holds no `:` (nor does a comment there, or a verbatim
        // tag of the next key: with one, the item is left to the yaml package)
        if (child.value === null) {
          const next = n.items[n.items.indexOf(child) + 1] as { key?: unknown } | undefined;
          const until = isNode(next?.key) && next.key.range ? next.key.range[0] : r[1];
          if (text.slice(at, until).includes(':')) return false;
          continue;
        }
        if (!walk(child.value)) return false;
      } else if (!walk(child)) return false;
    }
    if (pending.length > 0) return false; // a collection with no node inside
    if (added.length === 0) return true;
    const insertion = additions(text, n, added, at, doc);
    if (!insertion) return false;
    insertions.push(insertion);
    return true;
  };
  if (!walk(item) || !onlyPunctuation(text, at, end, true)) return undefined;
  // (in source order already: a collection's insertion goes after its last line, and it is pushed after those of the
  // collections inside it and of the ones before it, which all end where it ends or before)
  return { insertions, valueEnd: at };
}

/** The lines that print `added` at the end of block collection `n`, right after its last line; undefined if unsure. */
function additions(text: string, n: YAMLMap | YAMLSeq, added: unknown[], lastScalarEnd: number, doc: Document | undefined): Insertion | undefined {
  if (!doc || n.flow) return undefined;
  // the range may end after the next line's indentation (a collection ending in an empty value or a comment), or inside
  // its last line (after an empty value, after a comment: the yaml package's range then runs over its trailing spaces
  // and comment up to the line break): the additions go after that line (none at the input's end)
  // (a collection the walk reached has a range)
  let at = n.range![2];
  while (text.charCodeAt(at - 1) === 0x20) at--;
  if (text.charCodeAt(at - 1) !== 0x0a) at = text.indexOf('\n', at) + 1;
  // after the last value's text (a keep-chomping block's line breaks are its own), at a line start; comment lines
  // around are not data: they stay where they are, the additions go after the collection's last line (issue 15: the
  // yaml printer this used to fall back to would have rewritten the user's scalars)
  // (`at` is a line start, or 0 with no line break left, which is before the last value's end)
  if (at < lastScalarEnd) return undefined;
  // the collection's column: its first key or `-` may follow the `- ` of the entry holding it
  const columnStart = text.lastIndexOf('\n', n.range![0] - 1) + 1;
  const before = text.slice(columnStart, n.range![0]);
  if (!/^ *(?:- +)*$/.test(before)) return undefined;
  const indent = ' '.repeat(before.length);
  const plain = (v: unknown) => (isNode(v) ? v.toJS(doc) : v);
  const lines: string[] = [];
  for (const child of added) {
    let line: string | undefined;
    if (isPair(child)) {
      // (a key that is no string, as a number or a map, is declined by printPair)
      line = printPair(plain(child.key), plain(child.value), indent);
    } else line = printEntry(plain(child), indent);
    if (line === undefined) return undefined;
    lines.push(`${line}\n`);
  }
  return { at, text: lines.join('') };
}

/** The scalar still holds what the parser made of its text (set() on an existing scalar changes its value in place). */
function asParsed(n: Scalar): boolean {
  const { value, source } = n;
  if (typeof value === 'string') return value === source;
  if (value instanceof SourceScalar) return value.source === source;
  // (a parsed null always has its source: '' for an empty value)
  if (value === null) return /^(?:~|null|Null|NULL)?$/.test(String(source));
  // a `!!binary` scalar's bytes (which an edit in place could have changed: the yaml package prints them), and a number
  // or a boolean set in place
  return false;
}

/**
 * Punctuation (see onlyPunctuation), and exactly the properties the nodes starting there have: their anchors
 * (`&name`) and tags (`!!int`, `!local`, `!<tag:…>`, resolved by the Document's directives). Anything more or less —
 * an anchor a node lost when its aliases were expanded, a tag it does not carry — is not the nodes' text.
 */
/** An anchor or a tag: verbatim (`!<tag:yaml.org,2002:str>`, which may hold `,`) or shorthand. */
const PROPS = /!<[^>\n]*>|[!&][^ \n,[\]{}]*/g;

function onlyPunctuationAndProps(text: string, from: number, to: number, nodes: readonly Node[], doc: Document | undefined): boolean {
  const gap = text.slice(from, to);
  const anchors = nodes.flatMap((n) => (n.anchor ? [n.anchor] : [])).sort();
  const tags = nodes.flatMap((n) => (n.tag ? [n.tag] : [])).sort();
  if (!/[!&]/.test(gap)) return anchors.length === 0 && tags.length === 0 && onlyPunctuation(text, from, to, true);
  // properties are outside comments: cut the comments first (a `#` starts one after a space or at a line start; the
  // line break after it stays and keeps what stood before and after it apart)
  const bare = gap.replace(/(^|[ \n])#[^\n]*/g, '');
  const props = Array.from(bare.matchAll(PROPS), (m) => m[0]);
  const written = props.filter((p) => p[0] === '&').map((p) => p.slice(1)).sort();
  if (written.join('\n') !== anchors.join('\n')) return false;
  const tagTexts = props.filter((p) => p[0] === '!');
  if (tagTexts.length !== tags.length) return false;
  if (tagTexts.length > 0) {
    if (!doc) return false;
    // (a parsed Document has directives; a tag they cannot resolve is named null, which no node's tag equals)
    const names = tagTexts.map((t) => doc.directives!.tagName(t, () => {})).sort();
    if (names.join('\n') !== tags.join('\n')) return false;
  }
  // what is left must be punctuation
  return /^[\s\-:?,[\]{}]*$/.test(bare.replace(PROPS, ''));
}

/** Whitespace and comments only (and, inside an item, the indicators of block and flow collections). */
function onlyPunctuation(text: string, from: number, to: number, indicators: boolean): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x23 /* # */) {
      const eol = text.indexOf('\n', i);
      if (eol === -1) return true;
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
