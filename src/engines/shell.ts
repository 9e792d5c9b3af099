// Reading an `sh -c` script without running it: cut it into simple commands at the shell's list/pipe
// operators (`;`, newline, `&&`, `||`, `|`, `&`), drop comments, expand `$NAME` / `${NAME}` from the
// container's literal env values, then split each command into words with shlex. One pass over the text,
// no regular expressions.

import { quote, split } from 'shlex';

/** string: the literal value; null: the variable is set but its value is unknown here (valueFrom); undefined: unset */
export type ShellLookup = (name: string) => string | null | undefined;

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
  const end = (at: number, skip: number): void => {
    flush(at);
    const text = parts.join('');
    if (text.trim()) commands.push(text);
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
      let name = '';
      let fallback: string | undefined;
      let stop = i + 1;
      if (next === '{') {
        const close = script.indexOf('}', i + 2);
        if (close > 0) {
          let k = i + 2;
          while (k < close && isNameChar(script[k])) k++;
          const rest = script.slice(k, close);
          if (k > i + 2 && isNameStart(script[i + 2]) && (rest === '' || rest.startsWith(':-') || rest.startsWith('-'))) {
            name = script.slice(i + 2, k);
            if (rest) fallback = rest.slice(rest.startsWith(':-') ? 2 : 1);
            stop = close + 1;
          }
        }
      } else if (isNameStart(next)) {
        let k = i + 1;
        while (k < n && isNameChar(script[k])) k++;
        name = script.slice(i + 1, k);
        stop = k;
      }
      if (name) {
        const value = lookup(name);
        const text = typeof value === 'string' ? value : value === undefined ? fallback : undefined;
        if (text !== undefined) {
          flush(i);
          parts.push(spliceValue(text, q === '"'));
          from = stop;
        }
        i = stop;
        continue;
      }
      i++;
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
