// Shared plumbing for the end-to-end tests: the built bundle on PATH as `pd-disagg` (exec mode), a `docker`
// stand-in (container mode), scratch copies of packages under git.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const BUNDLE = resolve('dist/pd-disagg.js');
/** The function proper, next to the launcher (scripts/build.mjs). */
export const CORE = resolve('dist/pd-disagg.core.js');

/**
 * The function as installed, into `dir`: the launcher, its core and (unless `cache` is false) the code cache
 * (test/launcher.test.ts covers the function without one). Returns the launcher's path.
 */
export function installFunction(dir: string, cache = true): string {
  const bundle = join(dir, 'pd-disagg.js');
  copyFileSync(BUNDLE, bundle);
  copyFileSync(CORE, join(dir, 'pd-disagg.core.js'));
  if (cache && existsSync(`${BUNDLE}.cache`)) copyFileSync(`${BUNDLE}.cache`, `${bundle}.cache`);
  return bundle;
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pd-disagg-${prefix}-`));
}

/** A bin dir with `pd-disagg` (the bundle) and `docker` (the stand-in), world-readable so nobody can run it. */
export function toolbox(): { bin: string; env: NodeJS.ProcessEnv; dockerLog: string } {
  const root = scratch('bin');
  chmodSync(root, 0o755);
  const bin = join(root, 'bin');
  mkdirSync(bin, { mode: 0o755 });
  const bundle = installFunction(root);
  chmodSync(bundle, 0o755);
  symlinkSync(bundle, join(bin, 'pd-disagg'));
  copyFileSync(resolve('test/e2e/fake-docker.sh'), join(bin, 'docker'));
  chmodSync(join(bin, 'docker'), 0o755);
  const dockerLog = join(root, 'docker.log');
  const env = {
    ...process.env,
    PATH: `${bin}:${TOOLS_BIN}:${process.env.PATH}`,
    FAKE_DOCKER_LOG: dockerLog,
    FAKE_DOCKER_PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    FAKE_DOCKER_WORKDIR: root,
    PD_DISAGG_BUNDLE: bundle,
  };
  return { bin, env, dockerLog };
}

export function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Copy a package to a scratch git repo with one commit, like kpt's own e2e runner. */
export function gitPackage(src: string): string {
  const dir = join(scratch('pkg'), 'pkg');
  cpSync(src, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.email=e2e@pd-disagg.dev', '-c', 'user.name=e2e', 'commit', '-qm', 'first');
  return dir;
}

export function gitDiff(dir: string): string {
  sh('git', ['add', '-A'], { cwd: dir });
  return sh('git', ['diff', '--cached'], { cwd: dir }).stdout;
}

export function gitCommit(dir: string, message: string): void {
  sh('git', ['add', '-A'], { cwd: dir });
  sh('git', ['-c', 'user.email=e2e@pd-disagg.dev', '-c', 'user.name=e2e', 'commit', '-qm', message], { cwd: dir });
}

/** Where .ci/tools.sh builds the pinned orchestrators (kustomize, helm3, helm4, kube-apiserver, etcd). */
export const TOOLS_BIN = resolve('.tools/bin');

/** Is a command on PATH or in .tools/bin? */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8', env: { ...process.env, PATH: `${TOOLS_BIN}:${process.env.PATH}` } }).status === 0;
}

/**
 * Should a test that needs a built tool run? Yes where the tool is there, and always in CI (CI=true, set by .ci/run's
 * callers and every CI service): there a missing tool fails the test instead of skipping it. On a laptop without
 * `bash .ci/tools.sh`, the test skips.
 */
export function needs(...names: string[]): boolean {
  return /^(1|true)$/i.test(process.env.CI ?? '') || names.every(hasCommand);
}

/** Standalone kustomize is not installed here: a `kustomize` that runs kubectl's embedded one (kustomize v5.5).
 * `kustomize build ARGS` becomes `kubectl kustomize ARGS`; exec functions cannot run this way. */
export function kustomizeStandIn(bin: string): void {
  const script = join(bin, 'kustomize');
  writeFileSync(script, '#!/bin/sh\n[ "$1" = build ] && shift\nexec kubectl kustomize "$@"\n');
  chmodSync(script, 0o755);
}
