// dist/pd-disagg.js (scripts/launcher.cjs) runs dist/pd-disagg.core.js with its V8 code cache: the cache may make a
// start faster, never change what the function prints. Every way the cache can be wrong falls back to compiling from source.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read } from './helpers.js';
import { installFunction } from './e2e/harness.js';

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

/** A copy of the function in a scratch dir, with the given cache bytes next to it (or none). */
function copyWithCache(cache?: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-cache-'));
  const bundle = installFunction(dir, false);
  if (cache) writeFileSync(`${bundle}.cache`, cache);
  return bundle;
}

const header = (cache: Buffer) => {
  const lines = cache.toString('latin1').split('\n').slice(0, 6);
  return { lines, length: Buffer.byteLength(`${lines.join('\n')}\n`, 'latin1') };
};

const cases = readdirSync('testdata').filter((d) => existsSync(join('testdata', d, 'input.yaml')));
const example = read('testdata/modelplane-demo/input.yaml');

describe('code cache', () => {
  it('is built next to the bundle, for this node, and taken', () => {
    expect(existsSync(CACHE)).toBe(true);
    const { lines } = header(readFileSync(CACHE));
    expect(lines[0]).toBe('pd-disagg code cache v2');
    const core = readFileSync('dist/pd-disagg.core.js', 'latin1');
    expect(lines[1]).toBe(/^\/\/ pd-disagg core ([0-9a-f]+)\n/.exec(core)![1]);
    expect(lines[2]).toBe(String(core.length));
    expect(lines.slice(3)).toEqual([process.version, process.arch, process.versions.v8]);
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
    // two bundle spawns per golden case: ~25 s alone on two cores, 72-92 s when mutation runs loaded them (session 7)
  }, 300_000);

  const fallbacks: [string, (good: Buffer) => Buffer | undefined, RegExp][] = [
    ['no cache file (the function copied without it)', () => undefined, /^missing/],
    ['a cache from another node version', (good) => withHeaderLine(good, 3, 'v20.0.0'), /^stale/],
    ['a cache from another architecture', (good) => withHeaderLine(good, 4, 'riscv64'), /^stale/],
    ['a cache from another build of the function', (good) => withHeaderLine(good, 1, '0'.repeat(32)), /^stale/],
    ['a cache for a core of another length', (good) => withHeaderLine(good, 2, '12'), /^stale/],
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

  it('says what is missing when the core is not next to the launcher, and exits 2 with nothing on stdout', () => {
    const bundle = copyWithCache();
    rmSync(bundle.replace(/\.js$/, '.core.js'));
    const r = spawnSync(process.execPath, [bundle], { input: example, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pd-disagg: error: cannot read .*pd-disagg\.core\.js \(ENOENT\): it is installed next to .*; reinstall pd-disagg\n$/);
  });

  it('runs the core on its own the same way, without the cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-core-'));
    copyFileSync(resolve('dist/pd-disagg.core.js'), join(dir, 'pd-disagg.core.js'));
    const r = spawnSync(process.execPath, [join(dir, 'pd-disagg.core.js')], { input: example, encoding: 'utf8' });
    expect(r.stdout).toBe(read('testdata/modelplane-demo/expected.yaml'));
    expect(r.status).toBe(0);
  });

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
