// The container path. No Docker engine here, so what the image promises is checked on the bundle itself, run the way
// the image runs it: as nobody, without network, without HOME, in a directory nobody can write, and with Node's
// permission model granting no filesystem write at all (any write attempt would throw). `kpt fn doc --image` goes
// through the `docker` stand-in. The Dockerfile is checked for what the image must (not) hold.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, scratch, sh, toolbox } from './harness.js';
import { resourceListFromDir } from '../../scripts/resource-list.mjs';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

/** What the function may read: itself (the launcher, its core and its code cache, as the image holds them). */
function itsOwnFiles(bundle: string): string[] {
  return [bundle, bundle.replace(/\.js$/, '.core.js'), `${bundle}.cache`].map((f) => `--allow-fs-read=${f}`);
}

/** Run the bundle as the image would: nobody, no network, empty env (no HOME), read-only cwd, no fs writes. */
function runLikeTheImage(args: string[], input: string, cwd: string) {
  const bundle = tools.env.PD_DISAGG_BUNDLE!;
  const r = spawnSync(
    'unshare',
    ['-n', '--fork', 'setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', 'env', '-i', `PATH=${tools.env.FAKE_DOCKER_PATH}`,
      'PD_DISAGG_CODE_CACHE_DEBUG=1', 'node', '--experimental-permission', ...itsOwnFiles(bundle), bundle, ...args],
    { cwd, input, encoding: 'utf8' },
  );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function readOnlyDir(): string {
  const dir = join(scratch('ro'), 'cwd');
  mkdirSync(dir);
  chmodSync(dir, 0o555);
  return dir;
}

describe('the function as the container runs it', () => {
  it('runs as nobody with no network, no HOME, a read-only cwd and no filesystem writes', () => {
    const cwd = readOnlyDir();
    const input = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
    const r = runLikeTheImage([], input, cwd);
    expect(r.stderr).not.toMatch(/ERR_ACCESS_DENIED|EACCES|EROFS/);
    // with its code cache, as the image runs it (reading it is all the permission model lets through)
    expect(r.stderr).toMatch(/^pd-disagg: code cache: used\n/);
    expect(r.code).toBe(0);
    expect(parse(r.stdout).items.map((i: { kind: string }) => i.kind)).toContain('InferencePool');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('stream mode too (the config is the only file it reads besides itself)', () => {
    const cwd = readOnlyDir();
    const bundle = tools.env.PD_DISAGG_BUNDLE!;
    // nobody must be able to read the config: copy it out of the checkout, which may sit in a private (0700) directory
    const configDir = scratch('config');
    chmodSync(configDir, 0o755);
    const config = join(configDir, 'pd-disagg.yaml');
    copyFileSync('examples/pd-disagg-helm-post-renderer/pd-disagg.yaml', config);
    chmodSync(config, 0o644);
    const r = spawnSync(
      'unshare',
      ['-n', '--fork', 'setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', 'env', '-i', `PATH=${tools.env.FAKE_DOCKER_PATH}`,
        'node', '--experimental-permission', ...itsOwnFiles(bundle), `--allow-fs-read=${config}`, bundle, '--config', config],
      { cwd, input: readFileSync('examples/pd-disagg-helm-post-renderer/helm-template.yaml', 'utf8'), encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/ERR_ACCESS_DENIED|EACCES/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kind: InferencePool');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('the permission model would catch a write (the check above is not vacuous)', () => {
    const cwd = readOnlyDir();
    const r = spawnSync('node', ['--experimental-permission', '--allow-fs-read=*', '-e', "require('fs').writeFileSync('/tmp/pd-disagg-probe', 'x')"], {
      cwd,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_ACCESS_DENIED');
  });

  it('kpt fn doc --image shows --help generated from the README and exits 0', () => {
    const r = sh('kpt', ['fn', 'doc', '--image', 'ghcr.io/pd-disagg/pd-disagg:v0.1.0'], { env: tools.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pd-disagg --config FILE');
    expect(r.stdout).toContain('FUNCTIONCONFIG');
    expect(readFileSync(tools.dockerLog, 'utf8')).toMatch(/^run --rm .*ghcr\.io\/pd-disagg\/pd-disagg:v0\.1\.0 --help$/m);
  });

  it('prints the version it was built as', () => {
    const r = spawnSync('node', [BUNDLE, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`pd-disagg ${JSON.parse(readFileSync('package.json', 'utf8')).version}`);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('final stage: node and the bundle only, a numeric non-root user, an exec-form entrypoint', () => {
    const copies = final.split('\n').filter((l) => /^(COPY|ADD)\b/.test(l));
    // the launcher, the bundle next to it, and its V8 code cache (written by the runtime image's node in the build stage)
    expect(copies).toEqual([
      expect.stringMatching(/^COPY --from=build \S*dist\/pd-disagg\.js \S*dist\/pd-disagg\.core\.js \S*dist\/pd-disagg\.js\.cache \S+$/),
    ]);
    expect(final).not.toMatch(/^RUN\b/m);
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(final);
    expect(user).not.toBeNull();
    expect(Number(user![1])).toBeGreaterThan(0);
    expect(final).toMatch(/^ENTRYPOINT \[.*node.*pd-disagg\.js"\]$/m);
  });

  it('pins its base images and documents vX.Y.Z tags, never latest', () => {
    expect(dockerfile).not.toMatch(/:latest\b/);
    for (const from of dockerfile.match(/^FROM \S+/gm) ?? []) expect(from).toMatch(/:[\w.-]+$/);
    expect(dockerfile).toMatch(/v\d+\.\d+\.\d+/);
  });
});
