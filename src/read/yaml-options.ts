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

// The YAML 1.2 core schema's patterns for bool, int and float.
const sourceTags = [
  keepSource('tag:yaml.org,2002:bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s === 'true' || s === 'True' || s === 'TRUE'),
  keepSource('tag:yaml.org,2002:int', /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/, (s) => Number(s)),
  keepSource(
    'tag:yaml.org,2002:float',
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/,
    (s) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s)),
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

function withoutShadowedTest<T extends { tag: string; test?: RegExp }>(tag: T): T {
  if (!SHADOWED.has(tag.tag) || !tag.test) return tag;
  const copy = { ...tag };
  delete copy.test;
  return copy;
}

export const parseOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  uniqueKeys: true,
  prettyErrors: true,
  // the yaml package would print warnings (e.g. a mapping used as a key) through process.emitWarning, on our stderr
  logLevel: 'error',
  // The core schema's own bool/int/float tags stay, for writing the numbers and booleans pd-disagg creates, but
  // without their patterns: ours above match exactly the same text first, and every plain string would otherwise be
  // tried against eleven patterns instead of four (a quarter of composing the example on a cold start, issue #7).
  customTags: (tags) => [...sourceTags, ...(tags as { tag: string; test?: RegExp }[]).map(withoutShadowedTest)] as never[],
};

export const toStringOptions: ToStringOptions = {
  lineWidth: 0,
  indentSeq: false,
};

/** Options for every node pd-disagg creates: a value used twice is written twice, never as a YAML anchor and alias. */
export const createNodeOptions = { aliasDuplicateObjects: false } as const;
