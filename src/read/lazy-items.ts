// Items read without composing them: most items of a package are never edited (the Kptfile, the config, every
// resource on a re-render), and composing YAML nodes for them is most of reading on a cold start (issue #7). From the
// fast reader's syntax tree (src/read/block-cst.ts) each item gets its plain data straight away and keeps its place in
// the text; the yaml Composer builds the item's nodes only when something edits it (or the yaml package has to print
// it), from the same tokens, so the nodes are the ones composing the whole list would have made.
//
// Plain data is made here only for what it provably reads the way the yaml package reads it: plain scalars (resolved
// by the same patterns as src/read/yaml-options.ts), single-quoted scalars, double-quoted ones without escapes,
// literal blocks (`|`, `|-`), one-line flow collections, string keys that are not repeated. Anything else — a folded
// block, an escape, a key that reads as a number, `__proto__`, a comment line above an item's `-` — and the whole
// list is composed as before. test/lazy-items.test.ts compares both ways on every YAML file of the repository and on
// mutated inputs.

import { Composer, type CST, type YAMLMap } from 'yaml';
import { parseOptions, resolvePlain } from './yaml-options.js';

const LAZY_DECLINED: unknown = Object.freeze({ lazyItems: 'declined' });

export interface LazyEntry {
  /** the item as plain data */
  object: unknown;
  /** its `-` and the end of its last line (what the composed node's range would end at) */
  span: { start: number; end: number };
  token: CST.BlockSequence['items'][number];
}

export interface SplitList {
  /** the syntax tree with the items list emptied: compose this for everything but the items */
  tokens: CST.Token[];
  /** the items list as it was */
  seq: CST.BlockSequence;
  entries: LazyEntry[];
}

/** The items of a ResourceList's syntax tree as plain data, and the tree without them; undefined where unsure. */
export function splitItems(tokens: readonly CST.Token[]): SplitList | undefined {
  const docIndex = tokens.findIndex((t) => t.type === 'document');
  const doc = tokens[docIndex] as CST.Document | undefined;
  if (!doc || tokens.slice(docIndex + 1).length > 0 || doc.value?.type !== 'block-map') return undefined;
  const root = doc.value;
  const at = root.items.findIndex((it) => it.key?.type === 'scalar' && it.key.source === 'items');
  const pair = root.items[at];
  if (!pair || pair.value?.type !== 'block-seq' || pair.value.items.length === 0) return undefined;
  const seq = pair.value;
  try {
    const entries = seq.items.map((token): LazyEntry => {
      const dash = token.start.findIndex((t) => t.type === 'seq-item-ind');
      // a comment line above the `-` would be the item's: let the Composer place it
      if (dash < 0 || token.start.slice(0, dash).some((t) => t.type !== 'space') || token.value?.type !== 'block-map') throw LAZY_DECLINED;
      return { object: plain(token.value), span: { start: token.start[dash]!.offset, end: tokenEnd(token.value) }, token };
    });
    // The list stays in the tree without its entries, ending where it ended: the Composer measures the next key from
    // the end of the value before it, so the list keeps its last line break as an entry holding nothing else.
    const end = entries[entries.length - 1]!.span.end;
    const emptied: CST.BlockSequence = { ...seq, items: [{ start: [{ type: 'newline', offset: end - 1, indent: seq.indent, source: '\n' }] }] };
    const items = root.items.map((it, i) => (i === at ? ({ ...it, value: emptied } as typeof it) : it));
    const skeleton: CST.Document = { ...doc, value: { ...root, items } };
    return { tokens: [...tokens.slice(0, docIndex), skeleton], seq, entries };
  } catch (err) {
    if (err === LAZY_DECLINED) return undefined;
    throw err;
  }
}

/** The nodes of one item, composed from its tokens as part of the list they came in. */
export function composeEntry(seq: CST.BlockSequence, entry: LazyEntry, textLength: number): YAMLMap {
  const doc: CST.Document = { type: 'document', offset: seq.offset, start: [], value: { ...seq, items: [entry.token] } };
  const [composed] = Array.from(new Composer(parseOptions).compose([doc], true, textLength));
  const node = (composed?.contents as { items?: unknown[] } | null)?.items?.[0];
  if (!composed || composed.errors.length > 0 || !node) throw new Error('an item read without composing did not compose');
  return node as YAMLMap;
}

/** Where a value token's text ends (LAZY_DECLINED where unsure). */
function tokenEnd(token: CST.Token): number {
  switch (token.type) {
    case 'block-map':
    case 'block-seq': {
      // the last entry's value (where an item ends without one, e.g. a last `key:` with nothing after it, is the
      // Composer's to say: such items are composed)
      const last = token.items[token.items.length - 1]!;
      if (!last.value) throw LAZY_DECLINED;
      return tokenEnd(last.value);
    }
    case 'block-scalar': {
      const header = token.props[token.props.length - 1] as CST.SourceToken;
      return header.offset + header.source.length + token.source.length;
    }
    case 'flow-collection':
      return tokenEnd(token.end[token.end.length - 1]!);
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar': {
      const end = (token as CST.FlowScalar).end;
      if (end?.length) return tokenEnd(end[end.length - 1]!);
      return token.offset + token.source.length;
    }
    default:
      return token.offset + ((token as { source?: string }).source?.length ?? 0);
  }
}

/** The plain data of a value token, as Node#toJS with pd-disagg's schema would give it. */
function plain(token: CST.Token): unknown {
  switch (token.type) {
    case 'block-map': {
      const out: Record<string, unknown> = {};
      for (const item of token.items) out[key(item.key, out)] = item.value ? plain(item.value) : null;
      return out;
    }
    case 'block-seq':
      return token.items.map((item) => (item.value ? plain(item.value) : null));
    case 'flow-collection': {
      if (token.start.type === 'flow-seq-start') return token.items.map((item) => (item.value ? plain(item.value) : null));
      const out: Record<string, unknown> = {};
      for (const item of token.items) out[key(item.key, out)] = item.value ? plain(item.value) : null;
      return out;
    }
    case 'scalar':
      return resolvePlain(token.source);
    case 'single-quoted-scalar':
      return token.source.slice(1, -1).replace(/''/g, "'");
    case 'double-quoted-scalar':
      if (token.source.includes('\\')) throw LAZY_DECLINED;
      return token.source.slice(1, -1);
    case 'block-scalar':
      return literal(token);
    default:
      throw LAZY_DECLINED;
  }
}

/** A mapping key: a plain scalar that reads as a string, not yet in the map. */
function key(token: CST.Token | null | undefined, map: Record<string, unknown>): string {
  if (!token || token.type !== 'scalar') throw LAZY_DECLINED;
  const k = resolvePlain(token.source);
  if (typeof k !== 'string' || k === '__proto__' || Object.hasOwn(map, k)) throw LAZY_DECLINED;
  return k;
}

/** A `|` or `|-` block: its lines without their common indentation, with one final line break or none. */
function literal(token: CST.BlockScalar): string {
  const header = (token.props[0] as CST.SourceToken | undefined)?.source;
  if (header !== '|' && header !== '|-') throw LAZY_DECLINED;
  const lines = token.source.split('\n');
  lines.pop(); // the fast reader's content ends with a line break
  const first = lines.find((l) => l !== '');
  if (first === undefined) throw LAZY_DECLINED;
  // the indentation is spaces only: trimStart() would also take a leading no-break or other Unicode space (content)
  let indent = 0;
  while (first.charCodeAt(indent) === 0x20) indent++;
  const text = lines.map((l) => l.slice(indent)).join('\n');
  return header === '|' ? `${text}\n` : text;
}
