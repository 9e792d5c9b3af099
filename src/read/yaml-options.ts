// How pd-disagg reads and writes YAML. The `yaml` package parses YAML 1.2 and keeps comments, key order and quoting;
// on top of that, number and boolean scalars keep the exact text they were written with, so a round trip never turns
// `0755` into `755`, `12345678901234567890` into `12345678901234567000`, `0x1F` into `0x1f` or `True` into `true`
// (the corruption the deprecated kpt-functions TS SDK is known for).

import type { DocumentOptions, ParseOptions, SchemaOptions, ToStringOptions } from 'yaml';

/** A number or boolean scalar as written in the input: `source` goes back out verbatim, `value` is what code reads. */
export class SourceScalar {
  constructor(
    readonly tag: string,
    readonly source: string,
    readonly value: number | boolean,
  ) {}
  toJSON(): number | boolean {
    return this.value;
  }
}

function keepSource(tag: string, test: RegExp, convert: (text: string) => number | boolean) {
  return {
    tag,
    test,
    default: true,
    identify: (v: unknown) => v instanceof SourceScalar && v.tag === tag,
    resolve: (text: string) => new SourceScalar(tag, text, convert(text)),
    stringify: (item: { value: unknown }) => (item.value as SourceScalar).source,
  };
}

// The YAML 1.2 core schema's patterns for bool, int and float: each of ours matches exactly the union of the core
// schema's tags of its name (int: intOct, int, intHex; float: floatNaN, floatExp, float), and converts the text with
// the same function the core tag that matches would (parseInt with its radix, parseFloat), so a scalar reads as the
// same number whether it is plain or explicitly tagged (`!!int 0x1F`, `!!float 1.5`).
const sourceTags = [
  keepSource('tag:yaml.org,2002:bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
  keepSource('tag:yaml.org,2002:int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) =>
    s.startsWith('0o') ? parseInt(s.substring(2), 8) : s.startsWith('0x') ? parseInt(s.substring(2), 16) : parseInt(s, 10),
  ),
  keepSource(
    'tag:yaml.org,2002:float',
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+)$/,
    (s) => (/^(?:\.nan|\.NaN|\.NAN)$/.test(s) ? NaN : /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : parseFloat(s)),
  ),
];

const SHADOWED = new Set(sourceTags.map((t) => t.tag));

/** The core schema's null pattern (the one core pattern not shadowed by ours). */
const NULL_PLAIN = /^(?:~|[Nn]ull|NULL)?$/;

/**
 * What a plain scalar's text reads as under parseOptions' schema, numbers and booleans as plain values (what
 * src/read/safe-yaml.ts's toPlain gives): the same patterns, in the same order, as the Composer tries them.
 */
export function resolvePlain(text: string): unknown {
  for (const tag of sourceTags) if (tag.test.test(text)) return tag.resolve(text).value;
  return NULL_PLAIN.test(text) ? null : text;
}

/**
 * The core schema's own bool/int/float tags stay whole (the Composer tries them, after ours, for an explicit `!!int`
 * and the like), but are never tried on an untagged plain scalar: the Composer only tries tags whose `default` is
 * exactly true there, and ours match the same text first. Deleting their patterns instead (as an earlier version did)
 * made the first of them match any text given its tag explicitly: `!!int 42` read as NaN.
 */
function explicitOnly<T extends { tag: string; test?: RegExp; default?: unknown }>(tag: T): T {
  if (!SHADOWED.has(tag.tag) || !tag.test) return tag;
  return { ...tag, default: 'explicit' };
}

export const parseOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  uniqueKeys: true,
  prettyErrors: true,
  // the yaml package would print warnings (e.g. a mapping used as a key) through process.emitWarning, on our stderr
  logLevel: 'error',
  // The core schema's own bool/int/float tags stay, for writing the numbers and booleans pd-disagg creates and for
  // explicitly tagged scalars, but untagged plain scalars are only tried against ours (four patterns instead of
  // eleven: a quarter of composing the example on a cold start, issue #7).
  customTags: (tags) => [...sourceTags, ...(tags as { tag: string; test?: RegExp }[]).map(explicitOnly)] as never[],
};

export const toStringOptions: ToStringOptions = {
  lineWidth: 0,
  indentSeq: false,
};

/** Options for every node pd-disagg creates: a value used twice is written twice, never as a YAML anchor and alias. */
export const createNodeOptions = { aliasDuplicateObjects: false } as const;
