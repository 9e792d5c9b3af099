// How pd-disagg reads scalars (src/read/yaml-options.ts): as the YAML 1.2 core schema does, with numbers and booleans
// keeping the text they were written with. Its own patterns stand in for the core schema's (whose tags keep only
// their writing side), so this holds the two to the same reading on the schema's corner cases.
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseOptions, SourceScalar, toStringOptions } from '../src/read/yaml-options.js';

const TEXTS = [
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'tRue', 'yes', 'no', 'on', 'off', 'y', 'n',
  '0', '-0', '+0', '12', '-12', '+12', '007', '0755', '0o17', '0o18', '0x1F', '0x1f', '0xg', '12345678901234567890',
  '1.5', '-1.5', '+1.5', '.5', '5.', '1e3', '1E3', '1e+3', '1.5e-3', '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN',
  '~', 'null', 'Null', 'NULL', 'nUll', '', '1_000', '1:20', '0b101', '1.2.3', 'v1', '8000Mi', '.', '+',
];

function readValue(text: string): unknown {
  const value = parseDocument(`v: ${text}\n`, parseOptions).toJS().v;
  return value instanceof SourceScalar ? value.value : value;
}

describe('scalars', () => {
  it('resolve to what the YAML 1.2 core schema makes of them', () => {
    for (const text of TEXTS) expect(readValue(text), JSON.stringify(text)).toEqual(parse(`v: ${text}\n`, { version: '1.2' }).v);
  });

  it('write back as they were written, and created numbers and booleans still write', () => {
    for (const text of TEXTS) {
      const doc = parseDocument(`v: ${text}\n`, parseOptions);
      expect(doc.toString(toStringOptions), JSON.stringify(text)).toBe(`v: ${text}\n`.replace(/: \n$/, ':\n'));
    }
    const doc = parseDocument('a: 1\n', parseOptions);
    doc.set('n', doc.createNode(8000));
    doc.set('f', doc.createNode(1.5));
    doc.set('b', doc.createNode(false));
    doc.set('s', doc.createNode('8000'));
    expect(doc.toString(toStringOptions)).toBe('a: 1\nn: 8000\nf: 1.5\nb: false\ns: "8000"\n');
  });
});
