// Least privilege: the built bundle runs as nobody, with no network, no HOME, an empty environment and a working
// directory it cannot write; the source never executes commands, writes files or evaluates code.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUNDLE, CORE, installFunction, scratch } from '../e2e/harness.js';
import { goldenInputs } from '../property/invariants.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The bundle as nobody in a fresh network namespace with an empty environment, cwd a root-owned 0555 directory. */
function runConfined(input: string, env: string[] = []) {
  const root = scratch('nobody');
  chmodSync(root, 0o755);
  const bundle = installFunction(root);
  for (const f of readdirSync(root)) chmodSync(join(root, f), 0o444);
  const cwd = join(root, 'readonly');
  mkdirSync(cwd, { mode: 0o555 });
  chmodSync(cwd, 0o555);
  const r = spawnSync(
    'unshare',
    ['-n', '--fork', 'setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', 'env', '-i', `PATH=${dirname(process.execPath)}`, ...env, 'node', bundle],
    { input, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', after: readdirSync(cwd), error: r.error };
}

const canConfine = spawnSync('unshare', ['-n', '--fork', 'setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', 'true']).status === 0;

describe('least privilege', () => {
  it('the bundle has no eval and no dynamic code', () => {
    // dist/pd-disagg.js is scripts/launcher.cjs; its one use of node:vm compiles the function (dist/pd-disagg.core.js,
    // read from the file next to it) with its V8 code cache, and nothing else (test/launcher.test.ts)
    const launcher = readFileSync(BUNDLE, 'utf8');
    expect(launcher.match(/new vm\.Script\(/g)).toHaveLength(1);
    expect(launcher).toMatch(/new vm\.Script\(`\(function \(exports, require, module, __filename, __dirname\) \{\$\{core\}\\n\}\)`/);
    expect(launcher).toMatch(/core = fs\.readFileSync\(coreFile, 'latin1'\)/);
    expect(launcher).not.toMatch(/\b(writeFile|writeFileSync|createWriteStream)\b/);
    const bundle = readFileSync(CORE, 'latin1');
    expect(bundle).not.toMatch(/\beval\s*\(/);
    expect(bundle).not.toMatch(/new\s+Function\s*\(/);
    expect(bundle).not.toMatch(/\bFunction\s*\(\s*["'`]/);
    expect(bundle).not.toMatch(/require\(["'](node:)?(child_process|net|http|https|dgram|tls|vm|worker_threads)["']\)/);
  });

  it('src/ never spawns processes, writes files or evaluates code: engine command lines are parsed, not run', () => {
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"](node:)?(child_process|net|http|https|dgram|tls|vm|worker_threads)['"]/);
      expect(text, file).not.toMatch(/\b(writeFile|writeFileSync|appendFile|appendFileSync|createWriteStream|mkdir|mkdirSync|unlink|rmSync|chmod)\b/);
      expect(text, file).not.toMatch(/\beval\s*\(|new Function\s*\(/);
      // the filesystem only at the process boundary: reading stdin (fd 0) and stream mode's --config FILE, writing
      // stdout and stderr (fds 1 and 2, src/write/output.ts)
      const boundary: Record<string, string[]> = {
        [join('src', 'main.ts')]: ['readFileSync', 'readSync'],
        [join('src', 'write', 'output.ts')]: ['writeSync'],
      };
      const fsImport = /import \{([^}]*)\} from ['"](node:)?fs['"]/.exec(text);
      if (fsImport) {
        expect(Object.keys(boundary), `${file} touches the filesystem`).toContain(file);
        expect(fsImport[1]!.split(',').map((s) => s.trim()).sort()).toEqual(boundary[file]);
      }
      expect(text, file).not.toMatch(/require\(['"](node:)?fs['"]\)|import \* as \w+ from ['"](node:)?fs['"]/);
    }
  });

  it.skipIf(!canConfine)('runs as nobody with no network, no HOME and nothing writable, and writes nothing', () => {
    const input = goldenInputs().find((t) => t.includes('gpt-oss-prefill'))!;
    const r = runConfined(input);
    expect(r.error).toBeUndefined();
    expect(r.stderr).not.toMatch(/EACCES|ENOENT|HOME|internal error/);
    expect(r.code, r.stderr).toBe(0);
    expect(parse(r.stdout).items.length).toBeGreaterThan(parse(input).items.length);
    expect(r.after).toEqual([]);
  });

  it.skipIf(!canConfine)('confined, a hostile input still ends in a clear error and exit 1', () => {
    const r = runConfined('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [' + '['.repeat(200_000));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^pd-disagg: error: stdin nests mappings and sequences more than 200 levels deep/);
  });

  it.skipIf(!canConfine)('the size cap applies while reading stdin, and PD_DISAGG_MAX_INPUT_BYTES raises or lowers it', () => {
    const input = goldenInputs().find((t) => t.includes('gpt-oss-prefill'))!;
    const small = runConfined(input, ['PD_DISAGG_MAX_INPUT_BYTES=100']);
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/stdin is larger than the 100 bytes limit; raise it with PD_DISAGG_MAX_INPUT_BYTES/);
    const huge = runConfined(`${input}#${'x'.repeat(3 * 1024 * 1024)}\n`, ['PD_DISAGG_MAX_INPUT_BYTES=2Mi']);
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/larger than the 2 MiB limit/);
  });
});
