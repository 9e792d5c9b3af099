// The install path the README gives to someone without a clone: the `npm pack` tarball, installed globally. Packed
// from the built tree, installed into an empty prefix offline (it has no dependencies), run from there.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scratch } from './harness.js';

describe('npm install -g of the packed tarball (README "Install")', () => {
  it('holds the function, its license and README, and runs from the prefix it was installed into', () => {
    const out = scratch('pack');
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { encoding: 'utf8' }));
    const files = (packed[0].files as Array<{ path: string }>).map((f) => f.path).sort();
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'dist/pd-disagg.js', 'dist/pd-disagg.core.js', 'package.json']));
    expect(files.filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/pd-disagg\.(js|core\.js|js\.cache))$/.test(f))).toEqual([]);
    const tarball = join(out, packed[0].filename);
    const prefix = join(out, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'pd-disagg');
    const env = { PATH: `${join(prefix, 'bin')}:/usr/bin:/bin:${process.env.PATH}`, HOME: out };
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env, cwd: out });
    expect(version.stdout).toMatch(/^pd-disagg \d+\.\d+\.\d+/);
    const stream = spawnSync(bin, ['--config', join(process.cwd(), 'examples/pd-disagg-helm-post-renderer/pd-disagg.yaml')], {
      input: readFileSync('examples/pd-disagg-helm-post-renderer/helm-template.yaml'),
      encoding: 'utf8',
      env,
      cwd: out,
    });
    expect(stream.status, stream.stderr).toBe(0);
    expect(stream.stdout).toContain('name: qwen-epp-config');
  });

  it('LICENSE is the Apache License 2.0 that metadata.yaml and package.json name', () => {
    const license = readFileSync('LICENSE', 'utf8');
    expect(license).toMatch(/^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
    expect(parse(readFileSync('metadata.yaml', 'utf8')).license).toBe('Apache-2.0');
    expect(JSON.parse(readFileSync('package.json', 'utf8')).license).toBe('Apache-2.0');
  });
});
