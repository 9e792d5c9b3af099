// Converting flag text to typed values without throwing. Each converter returns the value or a reason.

export type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A plain decimal integer, optionally signed (Python's int() also accepts surrounding blanks and `_`). */
export function toInt(text: string): number | undefined {
  let s = text.trim().replaceAll('_', '');
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (!isDigits(s) || s.length > 15) return undefined;
  return sign * Number(s);
}

export function convertInt(text: string, min = 1): Converted<number> {
  const n = toInt(text);
  if (n === undefined) return { ok: false, reason: 'is not a whole number' };
  if (n < min) return { ok: false, reason: `must be at least ${min}` };
  return { ok: true, value: n };
}

export function convertPort(text: string): Converted<number> {
  const n = toInt(text);
  if (n === undefined) return { ok: false, reason: 'is not a port number' };
  if (n < 1 || n > 65535) return { ok: false, reason: 'is outside the port range 1-65535' };
  return { ok: true, value: n };
}

const DECIMAL: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
const BINARY: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** vLLM's human-readable int: `4096`, `32k` (32000), `32K` (32768), `1.5m`; `auto` and `-1` give -1. */
export function toHumanInt(text: string): number | undefined {
  const s = text.trim();
  if (s === '-1' || s.toLowerCase() === 'auto') return -1;
  const plain = toInt(s);
  if (plain !== undefined) return plain;
  const suffix = s.slice(-1);
  const body = s.slice(0, -1);
  if (suffix in DECIMAL) {
    const dot = body.indexOf('.');
    const ok = dot < 0 ? isDigits(body) : isDigits(body.slice(0, dot)) && isDigits(body.slice(dot + 1));
    return ok ? Math.floor(Number(body) * DECIMAL[suffix]) : undefined;
  }
  if (suffix in BINARY && isDigits(body)) return Number(body) * BINARY[suffix];
  return undefined;
}

export function convertHumanInt(text: string): Converted<number> {
  const n = toHumanInt(text);
  if (n === undefined) return { ok: false, reason: 'is not a whole number (like 4096 or 32k) or auto' };
  if (n < 1 && n !== -1) return { ok: false, reason: 'must be at least 1' };
  return { ok: true, value: n };
}

export function isPlainObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a JSON object. The reason says what went wrong, with a hint for Python-dict syntax. */
export function convertJsonObject(text: string): Converted<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const t = text.trim();
    if (t.startsWith('{') && t.includes("'")) {
      return {
        ok: false,
        reason: "is not valid JSON: it looks like Python dict syntax; JSON needs double quotes (\"key\": \"value\")",
      };
    }
    if (t.length === 0) return { ok: false, reason: 'is empty' };
    const detail = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `is not valid JSON (${detail.length > 120 ? detail.slice(0, 120) + '…' : detail})` };
  }
  if (!isPlainObj(parsed)) return { ok: false, reason: 'is JSON but not an object ({...})' };
  return { ok: true, value: parsed };
}

/** How vLLM decodes the value of a dotted piece: JSON when it parses, then a human-readable int, else the text. */
export function decodeDottedValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const n = toHumanInt(text);
    return n !== undefined && text.trim().toLowerCase() !== 'auto' && text.trim() !== '-1' ? n : text;
  }
}

/** vLLM's merge of dotted pieces: nested objects merge, lists concatenate, anything else is replaced.
 * Returns the dotted names of keys that were given twice. */
export function mergeInto(target: Record<string, unknown>, update: Record<string, unknown>, prefix = ''): string[] {
  const dupes: string[] = [];
  for (const [k, v] of Object.entries(update)) {
    const cur = target[k];
    if (isPlainObj(v) && isPlainObj(cur)) dupes.push(...mergeInto(cur, v, `${prefix}${k}.`));
    else if (Array.isArray(v) && Array.isArray(cur)) cur.push(...v);
    else {
      if (k in target) dupes.push(prefix + k);
      target[k] = v;
    }
  }
  return dupes;
}
