// Reading an `sh -c` script without running it: cut it into simple commands at the shell's list/pipe
// operators (`;`, newline, `&&`, `||`, `|`, `&`), drop comments, expand `$NAME` / `${NAME}` from the
// container's literal env values, then split each command into words with shlex. One pass over the text,
// no regular expressions.

import { quote, split } from 'shlex';

/** string: the literal value; null: the variable is set but its value is unknown here (valueFrom); undefined: unset */
export type ShellLookup = (name: string) => string | null | undefined;

export interface ShellCommand {
  words: string[];
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

/** Split a script into simple commands (text), with variables expanded. */
export function cutCommands(script: string, lookup: ShellLookup): string[] {
  const commands: string[] = [];
  let seg = '';
  let q: '' | "'" | '"' | "$'" = '';
  const n = script.length;
  const end = (): void => {
    if (seg.trim()) commands.push(seg);
    seg = '';
  };
  let i = 0;
  while (i < n) {
    const c = script[i];
    if (q === "'") {
      seg += c;
      if (c === "'") q = '';
      i++;
      continue;
    }
    if (c === '\\') {
      seg += script.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (q === "$'") {
      seg += c;
      if (c === "'") q = '';
      i++;
      continue;
    }
    if (c === '$') {
      const next = script[i + 1] ?? '';
      if (q === '' && next === "'") {
        seg += "$'";
        q = "$'";
        i += 2;
        continue;
      }
      let name = '';
      let fallback: string | undefined;
      let stop = i + 1;
      if (next === '{') {
        const close = script.indexOf('}', i + 2);
        if (close > 0) {
          const inner = script.slice(i + 2, close);
          let k = 0;
          while (k < inner.length && isNameChar(inner[k])) k++;
          const rest = inner.slice(k);
          if (k > 0 && isNameStart(inner[0]) && (rest === '' || rest.startsWith(':-') || rest.startsWith('-'))) {
            name = inner.slice(0, k);
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
        seg += text === undefined ? script.slice(i, stop) : spliceValue(text, q === '"');
        i = stop;
        continue;
      }
      seg += c;
      i++;
      continue;
    }
    if (q === '"') {
      seg += c;
      if (c === '"') q = '';
      i++;
      continue;
    }
    // unquoted
    if (c === "'" || c === '"') {
      q = c;
      seg += c;
      i++;
      continue;
    }
    if (c === '#' && (seg.length === 0 || isSpace(seg[seg.length - 1]))) {
      const nl = script.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === ';' || c === '\n') {
      end();
      i++;
      continue;
    }
    if (c === '|') {
      end();
      i += script[i + 1] === '|' || script[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '&') {
      const prev = seg[seg.length - 1];
      const next = script[i + 1];
      if (next === '&') {
        end();
        i += 2;
        continue;
      }
      if (prev === '>' || prev === '<' || next === '>') {
        seg += c; // redirection: 2>&1, &>file
        i++;
        continue;
      }
      end(); // background
      i++;
      continue;
    }
    seg += c;
    i++;
  }
  end();
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
export function splitScript(script: string, lookup: ShellLookup): ShellCommand[] {
  const out: ShellCommand[] = [];
  for (const text of cutCommands(script, lookup)) {
    let words: string[];
    let error: string | undefined;
    try {
      words = split(text);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      words = lenientSplit(text);
    }
    const kept: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const r = redirection(words[i]);
      if (r === 0) kept.push(words[i]);
      else if (r === 2) i++;
    }
    out.push(error === undefined ? { words: kept } : { words: kept, error });
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
