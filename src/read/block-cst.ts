// A fast reader for the YAML that KRM tools actually send: block mappings and sequences, plain and one-line quoted
// scalars, `|`/`>` literals, one-line flow collections, comments and blank lines. It builds the same
// concrete syntax tree (CST) the yaml package's Parser builds, token for token, and hands it to the yaml Composer, so
// the Document, its ranges, comments and errors are exactly what the yaml package alone would give.
//
// Why: on a cold start the yaml Parser (generator functions, run by V8's interpreter) reads about a kilobyte per
// millisecond, a third of the function's whole run on the example package; this line scanner builds the same tree in
// about a fifth of the time (issue #7).
//
// It declines — returns undefined, and the caller uses the yaml Parser — on anything outside that subset: tabs, CR
// line ends, a missing final line break, keys without a value, anchors, aliases, tags, directives and document markers, multi-line flow
// collections, nesting deeper than 128 levels, multi-line plain or quoted scalars, explicit or quoted keys, block scalars with
// indentation indicators or keep chomping, a comment line indented differently from the line after it, indented
// comment or blank lines before or after the document, and whatever else it does not recognise.
// test/block-cst.test.ts holds it to the yaml Parser's output, token for token.

import type { CST } from 'yaml';

type Source = CST.SourceToken;

class Decline extends Error {}
const CST_DECLINED = new Decline();

const SPACE = 0x20;
const NL = 0x0a;
const HASH = 0x23;
const COLON = 0x3a;
const DASH = 0x2d;

/** What follows a line that ended: blank and comment lines, then the next content line's leading spaces. */
interface Gap {
  tokens: Source[];
  /** column of the next content, -1 at the end of the text */
  col: number;
  /** the next content starts with `- ` */
  dash: boolean;
}

/** The CST of `text` (one document), or undefined where only the yaml Parser can tell. */
export function blockCst(text: string): CST.Token[] | undefined {
  if (text.length === 0 || text.charCodeAt(text.length - 1) !== NL || /[\t\r\ufeff]/.test(text)) return undefined;
  if (/^(?:---|\.\.\.|%)/m.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (err) {
    if (err === CST_DECLINED) return undefined;
    throw err;
  }
}

/**
 * Collections nested deeper than this are the yaml Parser's (it builds its tree without recursion, and the depth limit
 * then refuses them with a clear error): this reader recurses once per level.
 */
const MAX_NESTING = 128;

class Reader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  document(): CST.Token[] {
    // comment and empty lines above the document stand on their own; below it they are the document's end
    const head = this.gap();
    if (head.col !== 0 || head.dash || this.src.charCodeAt(this.pos) === SPACE) throw CST_DECLINED;
    const offset = this.pos;
    const { map, gap } = this.blockMap(0, []);
    if (gap.col !== -1) throw CST_DECLINED;
    const doc: CST.Document = { type: 'document', offset, start: [], value: map };
    if (gap.tokens.length > 0) doc.end = gap.tokens;
    if ([...head.tokens, ...gap.tokens].some((t) => t.type === 'space' || t.indent !== 0)) throw CST_DECLINED;
    return [...head.tokens, doc];
  }

  private eol(from: number): number {
    const e = this.src.indexOf('\n', from);
    return e < 0 ? this.src.length : e;
  }

  /** Blank and comment lines from `pos` (a line start) up to the next content line, whose leading spaces it takes. */
  private gap(): Gap {
    const src = this.src;
    const tokens: Source[] = [];
    const commentCols: number[] = [];
    for (;;) {
      if (this.pos >= src.length) return { tokens, col: -1, dash: false }; // the document's end: column 0 only
      const start = this.pos;
      let p = start;
      while (src.charCodeAt(p) === SPACE) p++;
      const spaces = p - start;
      const c = src.charCodeAt(p);
      if (spaces > 0) tokens.push({ type: 'space', offset: start, indent: 0, source: src.slice(start, p) });
      if (c === NL) {
        tokens.push({ type: 'newline', offset: p, indent: spaces, source: '\n' });
        this.pos = p + 1;
        continue;
      }
      if (c === HASH) {
        const e = this.eol(p);
        if (src.charCodeAt(e - 1) === SPACE) throw CST_DECLINED;
        tokens.push({ type: 'comment', offset: p, indent: spaces, source: src.slice(p, e) });
        tokens.push({ type: 'newline', offset: e, indent: spaces, source: '\n' });
        commentCols.push(spaces);
        this.pos = e + 1;
        continue;
      }
      // a comment line belongs to what follows it only when it is indented like it (the yaml Parser has other rules)
      if (commentCols.some((col) => col !== spaces)) throw CST_DECLINED;
      this.pos = p;
      return { tokens, col: spaces, dash: c === DASH && src.charCodeAt(p + 1) === SPACE };
    }
  }

  /** A block mapping whose keys are at column `col`; `pos` is at its first key. */
  private blockMap(col: number, start: Source[]): { map: CST.BlockMap; gap: Gap } {
    return this.nested(() => this.blockMapEntries(col, start));
  }

  /** One level deeper, within MAX_NESTING. */
  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_NESTING) throw CST_DECLINED;
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  private blockMapEntries(col: number, start: Source[]): { map: CST.BlockMap; gap: Gap } {
    const map: CST.BlockMap = { type: 'block-map', offset: this.pos, indent: col, items: [] };
    let itemStart = start;
    for (;;) {
      const { key, colon } = this.key(col);
      const sep: Source[] = [{ type: 'map-value-ind', offset: colon, indent: col, source: ':' }];
      const item: CST.BlockMap['items'][number] = { start: itemStart, key, sep };
      this.pos = colon + 1;
      let gap: Gap;
      const afterSpaces = this.spaces(col, sep);
      const c = this.src.charCodeAt(afterSpaces);
      if (c === NL || c === HASH) {
        // nothing on the line: the value, if any, is the block below
        this.lineEnd(col, sep);
        gap = this.gap();
        if (gap.col > col || (gap.col === col && gap.dash)) {
          sep.push(...gap.tokens);
          const nested = gap.dash ? this.blockSeq(gap.col, []) : this.blockMap(gap.col, []);
          item.value = 'map' in nested ? nested.map : nested.seq;
          gap = nested.gap;
        } else {
          // a key without a value: the yaml Parser gives the spaces, blank and comment lines after it to the empty
          // value (its range ends after them) by rules of its own, not to what follows (issue 15)
          throw CST_DECLINED;
        }
      } else {
        item.value = this.value(col);
        gap = this.gap();
      }
      map.items.push(item);
      if (gap.col === col && !gap.dash) {
        itemStart = gap.tokens;
        continue;
      }
      if (gap.col >= col) throw CST_DECLINED; // deeper: a continuation line; `- ` at the keys' column after a value
      return { map, gap };
    }
  }

  /** A block sequence whose `-` are at column `col`; `pos` is at the first `-`. */
  private blockSeq(col: number, start: Source[]): { seq: CST.BlockSequence; gap: Gap } {
    return this.nested(() => this.blockSeqEntries(col, start));
  }

  private blockSeqEntries(col: number, start: Source[]): { seq: CST.BlockSequence; gap: Gap } {
    const src = this.src;
    const seq: CST.BlockSequence = { type: 'block-seq', offset: this.pos, indent: col, items: [] };
    let itemStart = start;
    for (;;) {
      const dash = this.pos;
      const itemTokens: Source[] = [...itemStart, { type: 'seq-item-ind', offset: dash, indent: col, source: '-' }];
      let p = dash + 1;
      while (src.charCodeAt(p) === SPACE) p++;
      itemTokens.push({ type: 'space', offset: dash + 1, indent: col + 1, source: src.slice(dash + 1, p) });
      const contentCol = col + (p - dash);
      const c = src.charCodeAt(p);
      let value: CST.Token;
      let gap: Gap;
      this.pos = p;
      if (c === HASH) {
        // `- # comment`, the entry's content on the lines below
        this.lineEnd(contentCol, itemTokens);
        gap = this.gap();
        if (gap.col <= col) throw CST_DECLINED;
        itemTokens.push(...gap.tokens);
        const nested = gap.dash ? this.blockSeq(gap.col, []) : this.blockMap(gap.col, []);
        value = 'map' in nested ? nested.map : nested.seq;
        gap = nested.gap;
      } else if (c === NL || (c === DASH && src.charCodeAt(p + 1) === SPACE)) {
        throw CST_DECLINED; // an empty entry, or a list directly in a list
      } else if (this.keyAhead(p)) {
        const nested = this.blockMap(contentCol, []);
        value = nested.map;
        gap = nested.gap;
      } else {
        value = this.value(contentCol, col);
        gap = this.gap();
      }
      seq.items.push({ start: itemTokens, value });
      if (gap.col === col && gap.dash) {
        itemStart = gap.tokens;
        continue;
      }
      if (gap.col > col) throw CST_DECLINED;
      // a comment line where a list ends at its key's column: the yaml Parser keeps it in the list
      if (gap.col === col && gap.tokens.some((t) => t.type === 'comment')) throw CST_DECLINED;
      return { seq, gap };
    }
  }

  /** Does the line from `p` hold `key:` (a plain key followed by `: ` or the line end) before any comment? */
  private keyAhead(p: number): boolean {
    const c = this.src.charCodeAt(p);
    // a quoted scalar or a flow collection (a quoted or flow key is declined on the way)
    if (c === 0x27 || c === 0x22 || c === 0x7b || c === 0x5b) return false;
    return this.keyColon(p) >= 0;
  }

  /** The offset of the `:` (followed by a space or the line end) that ends a key starting at `p`; -1 if none. */
  private keyColon(p: number): number {
    const src = this.src;
    for (let i = p; ; i++) {
      const ch = src.charCodeAt(i);
      if (ch === NL || Number.isNaN(ch) || (ch === HASH && src.charCodeAt(i - 1) === SPACE)) return -1;
      if (ch === COLON) {
        const next = src.charCodeAt(i + 1);
        if (next === SPACE || next === NL) return i;
      }
    }
  }

  /** A plain key at `pos` (column `col`) and the offset of its `:`. */
  private key(col: number): { key: CST.FlowScalar; colon: number } {
    const src = this.src;
    const start = this.pos;
    if (/[-?:,[\]{}#&*!|>'"%@`]/.test(src[start]!)) throw CST_DECLINED;
    const colon = this.keyColon(start);
    if (colon < 0 || src.charCodeAt(colon - 1) === SPACE) throw CST_DECLINED;
    return { key: { type: 'scalar', offset: start, indent: col, source: src.slice(start, colon) }, colon };
  }

  /** Spaces at `pos` become a space token; returns where they end (and leaves `pos` there). */
  private spaces(indent: number, into: Source[]): number {
    const src = this.src;
    let p = this.pos;
    while (src.charCodeAt(p) === SPACE) p++;
    if (p > this.pos) into.push({ type: 'space', offset: this.pos, indent, source: src.slice(this.pos, p) });
    this.pos = p;
    return p;
  }

  /** At `pos`: nothing, or a comment, then the newline; all into `into`. `pos` moves to the next line. */
  private lineEnd(indent: number, into: Source[]): void {
    const src = this.src;
    this.spaces(indent, into);
    const e = this.eol(this.pos);
    if (src.charCodeAt(this.pos) === HASH) {
      if (src.charCodeAt(e - 1) === SPACE) throw CST_DECLINED;
      into.push({ type: 'comment', offset: this.pos, indent, source: src.slice(this.pos, e) });
    } else if (this.pos !== e) throw CST_DECLINED;
    into.push({ type: 'newline', offset: e, indent, source: '\n' });
    this.pos = e + 1;
  }

  /**
   * A value that starts on this line at `pos`; `indent` is the column of the line's content, `parent` that of the
   * collection holding the value (a block scalar's lines must be indented deeper than it).
   */
  private value(indent: number, parent = indent): CST.Token {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    const end: Source[] = [];
    if (c === 0x27 || c === 0x22) {
      const close = c === 0x27 ? this.singleQuoteEnd(start) : this.doubleQuoteEnd(start);
      this.pos = close;
      const source = src.slice(start, close);
      this.lineEnd(indent, end);
      return { type: c === 0x27 ? 'single-quoted-scalar' : 'double-quoted-scalar', offset: start, indent, source, end };
    }
    if (c === 0x7b || c === 0x5b) return this.flowCollection(indent);
    if (c === 0x7c || c === 0x3e) return this.blockScalar(parent, indent);
    if (/[-?:,[\]{}#&*!%@`]/.test(src[start]!) && !(c === DASH && src.charCodeAt(start + 1) !== SPACE)) throw CST_DECLINED;
    // plain, to a comment or the line end
    const e = this.eol(start);
    let stop = e;
    for (let i = start; i < e; i++) {
      const ch = src.charCodeAt(i);
      if (ch === HASH && src.charCodeAt(i - 1) === SPACE) {
        stop = i;
        break;
      }
      if (ch === COLON && (src.charCodeAt(i + 1) === SPACE || i + 1 === e)) throw CST_DECLINED;
    }
    while (stop > start && src.charCodeAt(stop - 1) === SPACE) stop--;
    this.pos = stop;
    const source = src.slice(start, stop);
    this.lineEnd(indent, end);
    return { type: 'scalar', offset: start, indent, source, end };
  }

  /**
   * A one-line flow collection: `{}`, `[]`, `{a: b, c: "d"}`, `[ x, 'y' ]`, `[{name: A}, [b]]` (no empty entries, no
   * space before a comma after a scalar, plain keys without spaces), then the end of the line.
   */
  private flowCollection(indent: number): CST.FlowCollection {
    const { token, end } = this.flow(this.pos, indent, false);
    this.pos = end;
    this.lineEnd(indent, token.end);
    return token;
  }

  /** The flow collection opening at `open`; a nested one takes the spaces after its closing bracket. */
  private flow(open: number, indent: number, nested: boolean): { token: CST.FlowCollection; end: number } {
    return this.nested(() => this.flowEntries(open, indent, nested));
  }

  private flowEntries(open: number, indent: number, nested: boolean): { token: CST.FlowCollection; end: number } {
    const src = this.src;
    const map = src.charCodeAt(open) === 0x7b;
    const close = map ? 0x7d : 0x5d;
    const items: CST.FlowCollection['items'] = [];
    let p = open + 1;
    if (src.charCodeAt(p) !== close) {
      for (;;) {
        const start: Source[] = [];
        if (items.length > 0) {
          if (src.charCodeAt(p) !== 0x2c) throw CST_DECLINED;
          start.push({ type: 'comma', offset: p, indent, source: ',' });
          p++;
        }
        p = this.flowSpaces(p, indent, start);
        const item: CST.FlowCollection['items'][number] = { start };
        if (map) {
          const keyStart = p;
          while (!/[\s,:[\]{}#'"]/.test(src[p] ?? '\n')) p++;
          if (p === keyStart || src.charCodeAt(p) !== COLON || src.charCodeAt(p + 1) !== SPACE) throw CST_DECLINED;
          if (/[-?:,[\]{}#&*!|>'"%@`]/.test(src[keyStart]!)) throw CST_DECLINED;
          item.key = { type: 'scalar', offset: keyStart, indent, source: src.slice(keyStart, p) };
          item.sep = [{ type: 'map-value-ind', offset: p, indent, source: ':' }];
          p = this.flowSpaces(p + 1, indent, item.sep);
        }
        const c = src.charCodeAt(p);
        if (c === 0x7b || c === 0x5b) {
          // a collection inside: the spaces after it are its own
          const inner = this.flow(p, indent, true);
          item.value = inner.token;
          p = inner.end;
        } else {
          const { token, end } = this.flowScalar(p, indent, close);
          const after: Source[] = [];
          p = this.flowSpaces(end, indent, after);
          // a flow map's scalar carries `end` only for the spaces after it; a flow sequence's always does
          if (after.length > 0 || !map) token.end = after;
          if (after.length > 0 && src.charCodeAt(p) !== close) throw CST_DECLINED; // a space before a comma
          item.value = token;
        }
        items.push(item);
        if (src.charCodeAt(p) === close) break;
      }
    }
    const end: Source[] = [{ type: map ? 'flow-map-end' : 'flow-seq-end', offset: p, indent, source: map ? '}' : ']' }];
    p++;
    if (nested) p = this.flowSpaces(p, indent, end);
    const token: CST.FlowCollection = {
      type: 'flow-collection',
      offset: open,
      indent,
      start: { type: map ? 'flow-map-start' : 'flow-seq-start', offset: open, indent, source: map ? '{' : '[' },
      items,
      end,
    };
    return { token, end: p };
  }

  private flowSpaces(p: number, indent: number, into: Source[]): number {
    const from = p;
    while (this.src.charCodeAt(p) === SPACE) p++;
    if (p > from) into.push({ type: 'space', offset: from, indent, source: this.src.slice(from, p) });
    return p;
  }

  /** A quoted or plain scalar inside a flow collection, up to `,` or the closing bracket. */
  private flowScalar(p: number, indent: number, close: number): { token: CST.FlowScalar; end: number } {
    const src = this.src;
    const c = src.charCodeAt(p);
    if (c === 0x27 || c === 0x22) {
      const q = c === 0x27 ? this.singleQuoteEnd(p, true) : this.doubleQuoteEnd(p, true);
      return { token: { type: c === 0x27 ? 'single-quoted-scalar' : 'double-quoted-scalar', offset: p, indent, source: src.slice(p, q) }, end: q };
    }
    if (/[-?:,[\]{}#&*!|>%@`]/.test(src[p] ?? '\n') && !(c === DASH && /[0-9a-zA-Z-]/.test(src[p + 1] ?? ''))) throw CST_DECLINED;
    let q = p;
    for (;;) {
      const ch = src.charCodeAt(q);
      if (ch === 0x2c || ch === close) break;
      if (ch === NL || Number.isNaN(ch) || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d) throw CST_DECLINED;
      if (ch === COLON && src.charCodeAt(q + 1) === SPACE) throw CST_DECLINED;
      if (ch === HASH && src.charCodeAt(q - 1) === SPACE) throw CST_DECLINED;
      q++;
    }
    while (q > p && src.charCodeAt(q - 1) === SPACE) q--;
    if (q === p) throw CST_DECLINED;
    return { token: { type: 'scalar', offset: p, indent, source: src.slice(p, q) }, end: q };
  }

  /** Offset just past the closing `'` on this line. */
  private singleQuoteEnd(open: number, inFlow = false): number {
    const src = this.src;
    for (let i = open + 1; ; i++) {
      const ch = src.charCodeAt(i);
      if (ch === NL || Number.isNaN(ch)) throw CST_DECLINED;
      if (ch === 0x27) {
        if (src.charCodeAt(i + 1) === 0x27) i++;
        else return this.closed(i + 1, inFlow);
      }
    }
  }

  /** Offset just past the closing `"` on this line. */
  private doubleQuoteEnd(open: number, inFlow = false): number {
    const src = this.src;
    for (let i = open + 1; ; i++) {
      const ch = src.charCodeAt(i);
      if (ch === NL || Number.isNaN(ch)) throw CST_DECLINED;
      if (ch === 0x5c) i++;
      else if (ch === 0x22) return this.closed(i + 1, inFlow);
    }
  }

  /** After a closing quote only spaces, a comment or the line end may follow (in a flow collection: `,` `]` `}`). */
  private closed(p: number, inFlow: boolean): number {
    const ch = this.src.charCodeAt(p);
    if (ch === SPACE || ch === NL || (inFlow && (ch === 0x2c || ch === 0x5d || ch === 0x7d))) return p;
    throw CST_DECLINED;
  }

  /** `|` or `>` (or `|-`, `>-`), a comment perhaps, and the lines below indented deeper than `indent`. */
  private blockScalar(indent: number, lineIndent: number): CST.BlockScalar {
    const src = this.src;
    const start = this.pos;
    let p = start + 1;
    if (src.charCodeAt(p) === DASH) p++; // not `+`: with keep chomping the empty lines after it are its own
    const next = src.charCodeAt(p);
    if (next !== SPACE && next !== NL) throw CST_DECLINED; // an indentation indicator, or something else
    const props: Source[] = [{ type: 'block-scalar-header', offset: start, indent: lineIndent, source: src.slice(start, p) }];
    this.pos = p;
    this.lineEnd(lineIndent, props);
    // content: the lines indented deeper than `indent`, and the empty lines between them
    const from = this.pos;
    let lastEnd = from;
    let contentIndent = -1;
    let q = from;
    while (q < src.length) {
      let s = q;
      while (src.charCodeAt(s) === SPACE) s++;
      const e = this.eol(s);
      if (s === e) {
        if (s !== q) throw CST_DECLINED; // a blank line holding spaces
        q = e + 1;
        continue;
      }
      const at = s - q;
      if (contentIndent < 0) {
        if (at <= indent) throw CST_DECLINED; // empty block scalar
        contentIndent = at;
      }
      if (at < contentIndent) {
        if (at > indent) throw CST_DECLINED; // less indented than the content, yet inside
        break;
      }
      q = e + 1;
      lastEnd = q;
    }
    if (contentIndent < 0) throw CST_DECLINED;
    this.pos = lastEnd;
    return { type: 'block-scalar', offset: start, indent, props, source: src.slice(from, lastEnd) };
  }
}
