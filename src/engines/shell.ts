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

/** Split a script into simple commands (text), with variables expanded. Text is copied in slices between the
 * places that need attention (quotes, `$`, operators), so long scripts cost one pass. */
export function cutCommands(script: string, lookup: ShellLookup): string[] {
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
