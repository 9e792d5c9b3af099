// How an error and the explanation look where each tool shows them: kpt fn render's printout, kustomize build's
// stderr (kubectl kustomize container mode through the docker stand-in, standalone kustomize exec mode), the Argo CD
// plugin's generate stderr (what the sync error quotes). One line per finding, ending with the rule id, no ANSI codes.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitPackage, needs, scratch, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const FINDING =
  "Deployment/llm/qwen-decode spec.template.spec.containers[0].args[2]: the decode engine's port is set to 8000, the port the routing sidecar listens on " +
  "(the pool's target port); give the decode engine its own port, e.g. --port=8200, and the sidecar forwards to it [rule decode-port-is-sidecar-port]";

/** A copy of an example whose decode engine takes the sidecar's port. */
function broken(example: string): string {
  const dir = join(scratch('tools-msg'), 'pkg');
  cpSync(example, dir, { recursive: true });
  const decode = join(dir, 'decode.yaml');
  const text = readFileSync(decode, 'utf8');
  expect(text).toContain('--port=8001');
  writeFileSync(decode, text.replace('--port=8001', '--port=8000'));
  return dir;
}

const noAnsi = (text: string) => expect(text).not.toMatch(/\u001b/);

describe('errors as each tool shows them', () => {
  it('kpt fn render: the result line and the stderr line both end with the rule id', () => {
    const dir = gitPackage(broken('examples/qwen-pd'));
    const r = sh('kpt', ['fn', 'render', dir, '--allow-exec', '--truncate-output=false'], { env: tools.env });
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toContain(`[error] apps/v1/${FINDING}\n`);
    expect(out).toContain(`"pd-disagg: error: ${FINDING}"\n`);
    noAnsi(out);
  });

  it('kubectl kustomize (container mode): one stderr line per finding, with the rule id', () => {
    const dir = broken('examples/pd-disagg-kustomize-container');
    const r = sh('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env: tools.env });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`pd-disagg: error: ${FINDING}`);
    noAnsi(r.stderr);
  });

  it.runIf(needs('kustomize'))('standalone kustomize (exec mode): the same line, and PD_DISAGG_EXPLAIN=1 puts the explanation on stderr', () => {
    const dir = broken('examples/pd-disagg-kustomize-exec');
    const r = sh('kustomize', ['build', '--enable-alpha-plugins', '--enable-exec', dir], { env: tools.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toBe(`pd-disagg: error: ${FINDING}`);
    noAnsi(r.stderr);
    const ok = sh('kustomize', ['build', '--enable-alpha-plugins', '--enable-exec', 'examples/pd-disagg-kustomize-exec'], {
      env: { ...tools.env, PD_DISAGG_EXPLAIN: '1' },
    });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('kind: InferencePool');
    expect(ok.stderr).toMatch(/^pd-disagg render, llm-d router v0\.10\.0, namespace llm/);
    noAnsi(ok.stderr);
  });

  it.runIf(needs('kustomize'))('Argo CD plugin generate: stderr (what the sync error quotes) is the one finding line', () => {
    const plugin = parse(readFileSync('argocd/plugin.yaml', 'utf8'));
    const { command, args } = plugin.spec.generate as { command: string[]; args: string[] };
    const dir = broken('examples/pd-disagg-argocd');
    const bin = join(process.cwd(), 'argocd');
    const r = sh(command[0]!, [...command.slice(1), ...args], { cwd: dir, env: { ...tools.env, PATH: `${tools.env.PATH}:${bin}` } });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('pd-disagg:'))).toEqual([`pd-disagg: error: ${FINDING}`]);
    noAnsi(r.stderr);
  });
});
