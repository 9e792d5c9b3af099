// Reading an `sh -c` script without running it: cut it into simple commands at the shell's list/pipe
// operators (`;`, newline, `&&`, `||`, `|`, `&`), drop comments, expand `$NAME` / `${NAME}` from the
// container's literal env values, then split each command into words with shlex. One pass over the text,
// no regular expressions.

import { quote, split } from 'shlex';

/** string: the literal value; null: the variable is set but its value is unknown here (valueFrom, set by the
 * workload controller at run time); undefined: not set in the manifest (the image or the runtime may still set it) */
export type ShellLookup = (name: string) => string | null | undefined;

/** Stands for text only known when the script runs: `$(hostname)`, a variable from the downward API or the image,
 * arithmetic on such a value. A word holding it is unknown; nothing about it is reported as wrong. */
export const UNKNOWN = '\uE003';

/** Whether a word (or flag value) holds text only known at run time. */
export function isUnknown(text: string): boolean {
  return text.includes(UNKNOWN);
}

/** A word for messages: the run-time parts shown as `<run-time value>`. */
export function shown(text: string): string {
  return text.replaceAll(UNKNOWN, '<run-time value>');
}

export interface ShellCommand {
  words: string[];
  /** for each word that is exactly one positional parameter (`"$@"`, `$1`), its index in `params` */
  origins: (number | undefined)[];
  /** set when shlex could not split this command (e.g. an unclosed quote); `words` is then a best-effort
   * split (the open quote taken to run to the end) so the engine can still be recognised */
  error?: string;
}

function isNameStart(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_';
}
function isNameChar(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9');
}
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** Text to splice in for an expanded variable, so that shlex then sees what the shell would. */
function spliceValue(value: string, inDouble: boolean): string {
  if (inDouble) {
    let out = '';
    for (const c of value) out += c === '\\' || c === '"' ? '\\' + c : c;
    return out;
  }
  // Unquoted: the shell word-splits the value and does not re-read quotes inside it.
  const words: string[] = [];
  let cur = '';
  for (const c of value) {
    if (isSpace(c)) {
      if (cur) words.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) words.push(cur);
  return words.map(quote).join(' ');
}

/** Split a script into simple commands (text), with variables expanded. Text is copied in slices between the
 * places that need attention (quotes, `$`, operators), so long scripts cost one pass. */
// Positional parameters ($0, $1, "$@") are spliced in as private-use markers and restored after shlex, so a word
// that is a whole parameter keeps its identity (and the pipeline its manifest path).
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARK_NONE = '\uE002';
const marker = (k: number): string => MARK_OPEN + k + MARK_CLOSE;

export function cutCommands(script: string, lookup: ShellLookup, paramCount = 0): string[] {
  const commands: string[] = [];
  let parts: string[] = [];
  let from = 0; // start of the not-yet-copied run
  let segStart = 0; // where the current command began in the script
  let q: '' | "'" | '"' | "$'" = '';
  const n = script.length;
  const flush = (to: number): void => {
    if (to > from) parts.push(script.slice(from, to));
  };
  // Variables the script itself assigns (`START_RANK=$((...))`), in order; inside if/while/for/case they are
  // only known at run time, since the branch taken is.
  const locals = new Map<string, string | null>();
  let nesting = 0;
  const get = (name: string): string | null | undefined => (locals.has(name) ? locals.get(name) : lookup(name));
  const end = (at: number, skip: number): void => {
    flush(at);
    const text = parts.join('');
    if (text.trim()) {
      commands.push(text);
      nesting = noteAssignments(text, locals, nesting);
    }
    parts = [];
    from = segStart = at + skip;
  };
  let i = 0;
  while (i < n) {
    const c = script[i];
    if (q === "'" || q === "$'") {
      if (c === '\\' && q === "$'") i += 2;
      else {
        if (c === "'") q = '';
        i++;
      }
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '$') {
      const next = script[i + 1] ?? '';
      if (q === '' && next === "'") {
        q = "$'";
        i += 2;
        continue;
      }
      if (next === '@' || next === '*' || (next >= '0' && next <= '9')) {
        flush(i);
        if (next === '@' || next === '*') {
          const all: string[] = [];
          for (let k = 1; k < paramCount; k++) all.push(marker(k));
          parts.push(all.length === 0 ? MARK_NONE : all.join(q === '"' && next === '@' ? '" "' : ' '));
        } else {
          const k = next.charCodeAt(0) - 48;
          parts.push(k < paramCount ? marker(k) : MARK_NONE);
        }
        i = from = i + 2;
        continue;
      }
      if (next === '(') {
        // $((arithmetic)) is computed when every value in it is known; $(command) is only known at run time
        const arith = script[i + 2] === '(';
        const close = arith ? arithEnd(script, i + 3) : substitutionEnd(script, i + 2);
        flush(i);
        if (arith && close > 0) {
          const v = evalArith(script.slice(i + 3, close - 2), get);
          parts.push(v === null ? UNKNOWN : String(v));
        } else parts.push(UNKNOWN);
        i = from = close > 0 ? close : n;
        continue;
      }
      let name = '';
      let op = '';
      let word: string | undefined;
      let stop = i + 1;
      if (next === '{') {
        const close = script.indexOf('}', i + 2);
        if (close > 0) {
          let k = i + 2;
          while (k < close && isNameChar(script[k])) k++;
          const rest = script.slice(k, close);
          if (k > i + 2 && isNameStart(script[i + 2])) {
            const m = /^(:?[-+=?])([\s\S]*)$/.exec(rest);
            if (rest === '' || m) {
              name = script.slice(i + 2, k);
              if (m) {
                op = m[1];
                word = m[2];
              }
              stop = close + 1;
            }
          }
        }
      } else if (isNameStart(next)) {
        let k = i + 1;
        while (k < n && isNameChar(script[k])) k++;
        name = script.slice(i + 1, k);
        stop = k;
      }
      if (name) {
        const text = paramValue(get(name), op, word);
        flush(i);
        parts.push(text === null ? UNKNOWN : spliceValue(text, q === '"'));
        from = stop;
        i = stop;
        continue;
      }
      i++;
      continue;
    }
    if (c === '`') {
      // `command` substitution: only known at run time
      const close = script.indexOf('`', i + 1);
      flush(i);
      parts.push(UNKNOWN);
      i = from = close < 0 ? n : close + 1;
      continue;
    }
    if (q === '"') {
      if (c === '"') q = '';
      i++;
      continue;
    }
    // unquoted
    if (c === "'" || c === '"') {
      q = c;
      i++;
      continue;
    }
    if (c === '#' && (i === segStart || isSpace(script[i - 1]))) {
      flush(i);
      const nl = script.indexOf('\n', i);
      i = from = nl < 0 ? n : nl;
      continue;
    }
    if (c === ';' || c === '\n') {
      end(i, 1);
      i++;
      continue;
    }
    if (c === '|') {
      const skip = script[i + 1] === '|' || script[i + 1] === '&' ? 2 : 1;
      end(i, skip);
      i += skip;
      continue;
    }
    if (c === '&') {
      const prev = i > segStart ? script[i - 1] : '';
      const next = script[i + 1];
      if (next === '&') {
        end(i, 2);
        i += 2;
        continue;
      }
      if (prev === '>' || prev === '<' || next === '>') {
        i++; // redirection: 2>&1, &>file
        continue;
      }
      end(i, 1); // background
      i++;
      continue;
    }
    i++;
  }
  end(n, 0);
  return commands;
}

const OPENERS = new Set(['if', 'while', 'until', 'for', 'case', 'select']);
const CLOSERS = new Set(['fi', 'done', 'esac']);
const LEADERS = new Set(['then', 'else', 'elif', 'do', '!', '{', '(']);
const DECLARERS = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);

/** Record the variables a command assigns (`A=1`, `export A=1 B=2`); returns the new if/while/for/case depth. */
function noteAssignments(text: string, locals: Map<string, string | null>, nesting: number): number {
  let words: string[];
  try {
    words = split(text);
  } catch {
    return nesting;
  }
  while (words.length > 0 && LEADERS.has(words[0])) words.shift();
  if (words.length === 0) return nesting;
  if (OPENERS.has(words[0])) return nesting + 1;
  if (CLOSERS.has(words[0])) return Math.max(0, nesting - 1);
  const declared = DECLARERS.has(words[0]);
  const rest = declared ? words.slice(1).filter((w) => !w.startsWith('-')) : words;
  const assigns = rest.map((w) => /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(w));
  // `A=1 cmd` sets A for cmd only; a command of assignments sets them for the rest of the script
  if (!declared && assigns.some((m) => m === null)) return nesting;
  for (const m of assigns) {
    if (!m) continue;
    locals.set(m[1], nesting > 0 || isUnknown(m[2]) || m[2].includes(MARK_OPEN) || m[2].includes(MARK_NONE) ? null : m[2]);
  }
  return nesting;
}

/** The text of `${name<op>word}` for a value (null: known only at run time). */
function paramValue(value: string | null | undefined, op: string, word: string | undefined): string | null {
  const w = word ?? '';
  switch (op) {
    case '':
      // not set in the manifest: the image or the runtime may set it
      return value === undefined ? null : value;
    case '-':
    case '=':
      return value === undefined ? w : value;
    case ':-':
    case ':=':
      if (value === null) return null;
      return value === undefined || value === '' ? w : value;
    case '+':
      return value === null ? w : value === undefined ? '' : w;
    case ':+':
      if (value === null) return null;
      return value === undefined || value === '' ? '' : w;
    default:
      // ${x?msg}: the value, or the shell stops
      return value === undefined ? null : value;
  }
}

/** Index just past the `))` closing an arithmetic expansion whose text starts at `from`, or -1. */
function arithEnd(script: string, from: number): number {
  let depth = 0;
  for (let k = from; k < script.length; k++) {
    const c = script[k];
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return script[k + 1] === ')' ? k + 2 : -1;
      depth--;
    }
  }
  return -1;
}

/** Index just past the `)` closing a `$(` command substitution whose text starts at `from`, or -1. */
function substitutionEnd(script: string, from: number): number {
  let depth = 0;
  let q = '';
  for (let k = from; k < script.length; k++) {
    const c = script[k];
    if (q) {
      if (c === '\\' && q === '"') k++;
      else if (c === q) q = '';
      continue;
    }
    if (c === '\\') k++;
    else if (c === "'" || c === '"') q = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return k + 1;
      depth--;
    }
  }
  return -1;
}

/** Evaluate shell arithmetic (integers; + - * / % ** and parentheses; variables by name or `$name`, `${name:-d}`).
 * null when a value in it is only known at run time, or it is not something this reader computes. */
export function evalArith(expr: string, get: (name: string) => string | null | undefined): number | null {
  const toks: string[] = [];
  let k = 0;
  while (k < expr.length) {
    const c = expr[k];
    if (isSpace(c)) {
      k++;
      continue;
    }
    if (c === '$') {
      const braced = expr[k + 1] === '{';
      const close = braced ? expr.indexOf('}', k + 2) : -1;
      const inner = braced ? (close > 0 ? expr.slice(k + 2, close) : '') : '';
      let j = braced ? k + 2 : k + 1;
      while (j < expr.length && isNameChar(expr[j])) j++;
      const name = expr.slice(braced ? k + 2 : k + 1, j);
      if (!name || !isNameStart(name[0]) || (braced && close < 0)) return null;
      const m = braced ? /^[A-Za-z_][A-Za-z0-9_]*(?:(:?[-+=?])([\s\S]*))?$/.exec(inner) : null;
      if (braced && !m) return null;
      const v = paramValue(get(name), m?.[1] ?? '', m?.[2]);
      if (v === null) return null;
      toks.push(v.trim() === '' ? '0' : v.trim());
      k = braced ? close + 1 : j;
      continue;
    }
    if (isNameStart(c)) {
      let j = k;
      while (j < expr.length && isNameChar(expr[j])) j++;
      const v = get(expr.slice(k, j));
      if (v === null || v === undefined) return null;
      toks.push(v.trim() === '' ? '0' : v.trim());
      k = j;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = k;
      while (j < expr.length && isNameChar(expr[j])) j++;
      toks.push(expr.slice(k, j));
      k = j;
      continue;
    }
    if (c === '*' && expr[k + 1] === '*') {
      toks.push('**');
      k += 2;
      continue;
    }
    if ('+-*/%()'.includes(c)) {
      toks.push(c);
      k++;
      continue;
    }
    return null; // comparisons, assignments, ternaries: not computed here
  }
  let p = 0;
  const num = (t: string): number | null => (/^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : null);
  const primary = (): number | null => {
    const t = toks[p++];
    if (t === undefined) return null;
    if (t === '(') {
      const v = sum();
      return toks[p++] === ')' ? v : null;
    }
    if (t === '-' || t === '+') {
      const v = power();
      return v === null ? null : t === '-' ? -v : v;
    }
    return num(t);
  };
  const power = (): number | null => {
    const b = primary();
    if (b === null) return null;
    if (toks[p] !== '**') return b;
    p++;
    const e = power();
    return e === null || e < 0 ? null : b ** e;
  };
  const product = (): number | null => {
    let v = power();
    while (v !== null && (toks[p] === '*' || toks[p] === '/' || toks[p] === '%')) {
      const op = toks[p++];
      const r = power();
      if (r === null || (op !== '*' && r === 0)) return null;
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number | null => {
    let v = product();
    while (v !== null && (toks[p] === '+' || toks[p] === '-')) {
      const op = toks[p++];
      const r = product();
      if (r === null) return null;
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };
  const v = sum();
  return v !== null && p === toks.length && Number.isSafeInteger(v) ? v : null;
}

/** A redirection word (`>log`, `2>&1`, `&>x`); returns 2 when the target is the next word. */
function redirection(word: string): 0 | 1 | 2 {
  let k = 0;
  while (k < word.length && word[k] >= '0' && word[k] <= '9') k++;
  const op = word.slice(k);
  if (op.startsWith('&>') && k === 0) return op === '&>' || op === '&>>' ? 2 : 1;
  if (!(op.startsWith('>') || op.startsWith('<'))) return 0;
  return op === '>' || op === '>>' || op === '<' || op === '>|' || op === '<<' ? 2 : 1;
}

/** Split a script into commands of words, as a POSIX shell would before running it. Never throws. */
export function splitScript(script: string, lookup: ShellLookup, params: readonly string[] = []): ShellCommand[] {
  const out: ShellCommand[] = [];
  for (const text of cutCommands(script, lookup, params.length)) {
    let words: string[];
    let error: string | undefined;
    try {
      words = split(text);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      words = lenientSplit(text);
    }
    const kept: string[] = [];
    const origins: (number | undefined)[] = [];
    for (let i = 0; i < words.length; i++) {
      const r = redirection(words[i]);
      if (r === 2) i++;
      if (r !== 0) continue;
      let w = words[i];
      if (w.includes(MARK_NONE)) {
        w = w.replaceAll(MARK_NONE, '');
        if (w === '') continue; // "$@" with no parameters gives no word
      }
      let origin: number | undefined;
      if (w.includes(MARK_OPEN)) {
        const close = w.indexOf(MARK_CLOSE);
        if (w.startsWith(MARK_OPEN) && close === w.length - 1) origin = Number(w.slice(1, close));
        w = restoreMarkers(w, params);
      }
      kept.push(w);
      origins.push(origin);
    }
    out.push(error === undefined ? { words: kept, origins } : { words: kept, origins, error });
  }
  return out;
}

function restoreMarkers(w: string, params: readonly string[]): string {
  let out = '';
  let i = 0;
  while (i < w.length) {
    const open = w.indexOf(MARK_OPEN, i);
    const close = open < 0 ? -1 : w.indexOf(MARK_CLOSE, open);
    if (open < 0 || close < 0) {
      out += w.slice(i);
      break;
    }
    out += w.slice(i, open) + (params[Number(w.slice(open + 1, close))] ?? '');
    i = close + 1;
  }
  return out;
}

/** Best effort for text shlex rejects: close a dangling quote or escape at the end, else split on blanks. */
function lenientSplit(text: string): string[] {
  for (const tail of ["'", '"', '\\', "\\'", '\\"']) {
    try {
      return split(text + tail);
    } catch {
      // try the next way of closing it
    }
  }
  return text.split(/[ \t\r\n]+/).filter((w) => w.length > 0);
}
