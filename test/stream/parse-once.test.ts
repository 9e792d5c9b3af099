// Stream mode parses the stream and the config file once each (review of src/stream/stream.ts: both were parsed twice,
// the stream a third time in main.ts to bound it), whichever way the documents go through run().
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ bounded: [] as string[], yamlPackage: 0 }));
vi.mock('../../src/read/safe-yaml.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/read/safe-yaml.js')>();
  return {
    ...actual,
    parseDocumentsBounded: (text: string, ...rest: unknown[]) => {
      parsed.bounded.push(text);
      return (actual.parseDocumentsBounded as (...a: unknown[]) => unknown)(text, ...rest);
    },
  };
});
vi.mock('yaml', async (importOriginal) => {
  const actual = await importOriginal<typeof import('yaml')>();
  const counted =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R => {
      parsed.yamlPackage++;
      return f(...a);
    };
  return { ...actual, parseAllDocuments: counted(actual.parseAllDocuments) };
});

const { runStream } = await import('../../src/stream/stream.js');

const prefill = readFileSync('examples/qwen-pd/prefill.yaml', 'utf8');
const decode = readFileSync('examples/qwen-pd/decode.yaml', 'utf8');
const config = readFileSync('examples/qwen-pd/pd-disagg.yaml', 'utf8');

const times = (text: string) => parsed.bounded.filter((t) => t === text).length;

describe('stream mode parses each text once', () => {
  beforeEach(() => {
    parsed.bounded = [];
    parsed.yamlPackage = 0;
  });

  it('as text (documents copied where unchanged)', () => {
    const stream = `${prefill}---\n${decode}`;
    const out = runStream(stream, config, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(0);
    expect(times(stream)).toBe(1);
    expect(times(config)).toBe(1);
    expect(parsed.yamlPackage).toBe(0);
  });

  it('as nodes (CR line ends: the text path declines) and for --explain', () => {
    const stream = `${prefill}---\n${decode}`.replace(/\n/g, '\r\n');
    expect(runStream(stream, config, 'pd-disagg.yaml').exitCode).toBe(0);
    expect(times(stream)).toBe(1);
    expect(times(config)).toBe(1);
    parsed.bounded = [];
    expect(runStream(`${prefill}---\n${decode}`, config, 'pd-disagg.yaml', { explain: 'text' }).exitCode).toBe(0);
    expect(times(`${prefill}---\n${decode}`)).toBe(1);
    expect(times(config)).toBe(1);
    expect(parsed.yamlPackage).toBe(0);
  });

  it('a stream nested too deep is refused from that one parse, with the input error', () => {
    const deep = `${prefill}---\n${'a:\n'.replace(/a/, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata')}${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    const out = runStream(deep, config, 'pd-disagg.yaml');
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/^pd-disagg: error: stdin nests mappings and sequences more than \d+ levels deep/);
    expect(times(deep)).toBe(1);
  });
});
