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

export const parseOptions: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.2',
  uniqueKeys: true,
  prettyErrors: true,
  // the yaml package would print warnings (e.g. a mapping used as a key) through process.emitWarning, on our stderr
  logLevel: 'error',
  customTags: (tags) => [...sourceTags, ...(tags as never[])],
};

export const toStringOptions: ToStringOptions = {
  lineWidth: 0,
  indentSeq: false,
};

/** Options for every node pd-disagg creates: a value used twice is written twice, never as a YAML anchor and alias. */
export const createNodeOptions = { aliasDuplicateObjects: false } as const;
