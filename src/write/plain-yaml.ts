// A printer for plain data — what pd-disagg makes itself: the routing stack, the EPP config text, the results — that
// writes exactly the text the yaml package would (with toStringOptions: block style, no line folding, lists not
// indented under their key), or declines.
//
// Why it exists: a KRM function runs cold on every render, and on a cold V8 building yaml nodes for an object and
// printing them runs in the interpreter at about a microsecond per byte. The stack pd-disagg adds is most of its
// output, so printing it here instead took about a fifth off the function's whole run on the example (issue #7).
//
// It only prints what it can print identically: strings of printable characters (no tabs or control characters),
// keys and values the yaml package would write plain, in double quotes or in single quotes as it would, multi-line
// strings as `|` / `|-` literals when they need no indentation indicator or keep-chomping, finite numbers in their
// JSON form, booleans, null, and maps and lists of those (no list directly inside a list). Anything else — a tab, a
// leading space on a multi-line string, a `---` line, an exponent, a Date — returns undefined and the caller prints
// through the yaml package as before. test/plain-yaml.test.ts holds it to the yaml package's output on generated data.

type Plain = Record<string, unknown>;

/** Characters printed as they are, never escaped (no C0/C1 controls, tab, line or paragraph separators, BOM, surrogates). */
const PRINTABLE = /^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const PRINTABLE_LINES = /^[\x20-\x7e\n\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
/** A line the YAML reader would take for a directive or a document boundary. */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;
/**
 * When a string cannot be written plain: it starts with an indicator or a space, is a lone `-`/`?` or starts with
 * one and a space, holds `: ` or ` #`, or ends with a space or a colon.
 */
const NOT_PLAIN = /^[ ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-] |: | #|[ :]$/;
/** Plain text the YAML 1.2 core schema would read as null, a boolean or a number (and so must be quoted). */
const OTHER_TYPE = new RegExp(
  [
    '^(?:~|[Nn]ull|NULL)?$',
    '^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$',
    '^(?:0o[0-7]+|0x[0-9a-fA-F]+)$',
    '^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$',
    // (decimal integers too: `[-+]?[0-9]+` is the float pattern without a fraction and an exponent)
    '^[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$',
  ].join('|'),
);
/** The yaml package writes a key longer than this as an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;

function isPlainObject(v: unknown): v is Plain {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** One-line text of a scalar (a map key when `key`: keys are always strings), or undefined. */
function scalar(v: unknown, key = false): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    const text = JSON.stringify(v);
    return /e/i.test(text) ? undefined : text;
  }
  if (typeof v !== 'string' || v.includes('\n') || !PRINTABLE.test(v) || DOCUMENT_MARKER.test(v)) return undefined;
  if (key && v.length > MAX_IMPLICIT_KEY) return undefined;
  if (!NOT_PLAIN.test(v) && !OTHER_TYPE.test(v)) return v;
  // quoted: single quotes when that spares escaping a double quote, double quotes (JSON's form here) otherwise
  return v.includes('"') && !v.includes("'") ? `'${v}'` : JSON.stringify(v);
}

/** A multi-line string as a literal block whose lines start at `indent`, or undefined. */
function literal(v: string, indent: string): string | undefined {
  if (!PRINTABLE_LINES.test(v) || DOCUMENT_MARKER.test(v) || v[0] === ' ' || v[0] === '\n') return undefined;
  // (never empty: the first character is neither)
  const body = v.replace(/[\n ]+$/, '');
  const end = v.slice(body.length);
  if (end !== '' && end !== '\n') return undefined;
  return `${end === '' ? '|-' : '|'}\n${indent}${body.replace(/\n+/g, (breaks) => breaks + indent)}`;
}

/** What follows `key:` for this value, when the key starts at `indent`. */
function afterKey(v: unknown, indent: string): string | undefined {
  if (Array.isArray(v)) {
    if (v.length === 0) return ' []';
    const seq = seqBody(v, indent);
    return seq === undefined ? undefined : `\n${seq}`;
  }
  if (isPlainObject(v)) {
    const map = mapBody(v, `${indent}  `);
    return map === undefined ? undefined : map === '' ? ' {}' : `\n${map}`;
  }
  const text = typeof v === 'string' && v.includes('\n') ? literal(v, `${indent}  `) : scalar(v);
  return text === undefined ? undefined : ` ${text}`;
}

/** The pairs of a map, one per line at `indent` ('' for an empty map), or undefined. */
function mapBody(map: Plain, indent: string): string | undefined {
  const lines: string[] = [];
  for (const k of Object.keys(map)) {
    const v = map[k];
    if (v === undefined) continue; // the yaml package leaves undefined properties out too
    const key = scalar(k, true);
    const value = key === undefined ? undefined : afterKey(v, indent);
    if (value === undefined) return undefined;
    lines.push(`${indent}${key}:${value}`);
  }
  return lines.join('\n');
}

/** The entries of a non-empty list, `- ` at `indent`, or undefined. */
function seqBody(seq: readonly unknown[], indent: string): string | undefined {
  const lines: string[] = [];
  for (const v of seq) {
    let text: string | undefined;
    if (Array.isArray(v)) text = v.length === 0 ? '[]' : undefined;
    else if (isPlainObject(v)) {
      const map = mapBody(v, `${indent}  `);
      text = map === undefined ? undefined : map === '' ? '{}' : map.slice(indent.length + 2);
    } else text = typeof v === 'string' && v.includes('\n') ? literal(v, `${indent}  `) : scalar(v);
    if (text === undefined) return undefined;
    lines.push(`${indent}- ${text}`);
  }
  return lines.join('\n');
}

/** `key: value` for a block mapping whose keys are at `indent` (no final newline); undefined for a key that is no string. */
export function printPair(key: unknown, value: unknown, indent: string): string | undefined {
  const k = typeof key === 'string' ? scalar(key, true) : undefined;
  const v = k === undefined ? undefined : afterKey(value, indent);
  return v === undefined ? undefined : `${indent}${k}:${v}`;
}

/** `- value` for a block sequence whose `-` are at `indent` (no final newline). */
export function printEntry(value: unknown, indent: string): string | undefined {
  return seqBody([value], indent);
}

/** A map as the entry of a list at column 0 (`- key: …`, no final newline): an item of a ResourceList's `items`. */
export function printListEntry(map: Plain): string | undefined {
  return seqBody([map], '');
}

/** `key:` and its value at column 0, ending in a newline: a top-level field of a ResourceList, such as `results`. */
export function printTopLevelField(key: string, value: unknown): string | undefined {
  // Document#set keeps the key a bare string, and the yaml package writes a bare empty key as an explicit `? ""`
  const k = key === '' ? undefined : scalar(key, true);
  const v = k === undefined ? undefined : afterKey(value, '');
  return v === undefined ? undefined : `${k}:${v}\n`;
}

/**
 * A whole YAML document holding a non-empty map, with `comment` (lines that each start with a space, as
 * Document#commentBefore takes them) above it.
 */
export function printDocument(map: Plain, comment?: string): string | undefined {
  const lines = comment === undefined ? [] : comment.split('\n');
  if (lines.some((l) => !l.startsWith(' ') || !PRINTABLE.test(l))) return undefined;
  const body = mapBody(map, '');
  if (!body) return undefined;
  // a line of one space is a blank comment line: the yaml package writes it `#`, without the space
  return `${lines.map((l) => (l === ' ' ? '#\n' : `#${l}\n`)).join('')}${lines.length ? '\n' : ''}${body}\n`;
}
