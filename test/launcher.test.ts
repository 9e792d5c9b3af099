// dist/pd-disagg.js and its V8 code cache (scripts/launcher.cjs): the cache may make a start faster, never change
// what the function prints. Every way the cache can be wrong falls back to compiling from source.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read } from './helpers.js';

const BUNDLE = resolve('dist/pd-disagg.js');
const CACHE = `${BUNDLE}.cache`;

function runBundle(bundle: string, input: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bundle], {
    input,
    encoding: 'utf8',
    env: { ...process.env, PD_DISAGG_CODE_CACHE_DEBUG: '1', ...env },
  });
  const [first, ...rest] = r.stderr.split('\n');
  return { status: r.status, stdout: r.stdout, stderr: rest.join('\n'), cache: first!.replace(/^pd-disagg: code cache: /, '') };
}

/** A copy of the bundle in a scratch dir, with the given cache bytes next to it (or none). */
function copyWithCache(cache?: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-cache-'));
  const bundle = join(dir, 'pd-disagg.js');
  copyFileSync(BUNDLE, bundle);
  if (cache) writeFileSync(`${bundle}.cache`, cache);
  return bundle;
}

const header = (cache: Buffer) => {
  const lines = cache.toString('latin1').split('\n').slice(0, 5);
  return { lines, length: Buffer.byteLength(`${lines.join('\n')}\n`, 'latin1') };
};

const cases = readdirSync('testdata').filter((d) => existsSync(join('testdata', d, 'input.yaml')));
const example = read('testdata/modelplane-demo/input.yaml');

describe('code cache', () => {
  it('is built next to the bundle, for this node, and taken', () => {
    expect(existsSync(CACHE)).toBe(true);
    const { lines } = header(readFileSync(CACHE));
    expect(lines[0]).toBe('pd-disagg code cache v1');
    expect(lines.slice(2)).toEqual([process.version, process.arch, process.versions.v8]);
    expect(runBundle(BUNDLE, example).cache).toBe('used');
  });

  it('changes nothing: every golden case prints the same with and without it', () => {
    for (const name of cases) {
      const input = read(join('testdata', name, 'input.yaml'));
      const cached = runBundle(BUNDLE, input);
      const plain = runBundle(BUNDLE, input, { PD_DISAGG_CODE_CACHE: '0' });
      expect(cached.cache, name).toBe('used');
      expect(plain.cache, name).toMatch(/^off/);
      expect(cached.stdout, name).toBe(read(join('testdata', name, 'expected.yaml')));
      expect(cached.stderr, name).toBe(read(join('testdata', name, 'expected.stderr')));
      expect({ ...plain, cache: '' }, name).toEqual({ ...cached, cache: '' });
    }
  }, 60_000);

  const fallbacks: [string, (good: Buffer) => Buffer | undefined, RegExp][] = [
    ['no cache file (the bundle copied alone)', () => undefined, /^missing/],
    ['a cache from another node version', (good) => withHeaderLine(good, 2, 'v20.0.0'), /^stale/],
    ['a cache from another architecture', (good) => withHeaderLine(good, 3, 'riscv64'), /^stale/],
    ['a cache from another build of the function', (good) => withHeaderLine(good, 1, '0'.repeat(32)), /^stale/],
    ['a foreign file', () => Buffer.from('not a cache\n'), /^stale/],
    ['an empty file', () => Buffer.alloc(0), /^stale/],
    ['a truncated cache', (good) => good.subarray(0, Math.floor(good.length / 2)), /^rejected/],
    [
      'a right header over garbage',
      (good) => Buffer.concat([good.subarray(0, header(good).length), Buffer.alloc(4096, 0x5a)]),
      /^rejected/,
    ],
  ];
  for (const [what, make, state] of fallbacks) {
    it(`falls back to compiling from source on ${what}`, () => {
      const bundle = copyWithCache(make(readFileSync(CACHE)));
      const out = runBundle(bundle, example);
      expect(out.cache).toMatch(state);
      expect(out.status).toBe(0);
      expect(out.stdout).toBe(read('testdata/modelplane-demo/expected.yaml'));
      expect(out.stderr).toBe(read('testdata/modelplane-demo/expected.stderr'));
    });
  }

  it('says nothing on stderr unless asked', () => {
    const r = spawnSync(process.execPath, [copyWithCache()], { input: example, encoding: 'utf8', env: { ...process.env, PD_DISAGG_CODE_CACHE_DEBUG: '' } });
    expect(r.stderr).toBe(read('testdata/modelplane-demo/expected.stderr'));
  });
});

function withHeaderLine(cache: Buffer, line: number, value: string): Buffer {
  const { lines, length } = header(cache);
  lines[line] = value;
  return Buffer.concat([Buffer.from(`${lines.join('\n')}\n`, 'latin1'), cache.subarray(length)]);
}
