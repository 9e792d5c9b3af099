// Stream mode through the built binary: a shell pipe, and the Helm post-renderer wrapper run the way Helm runs it
// (an executable, the rendered chart on stdin, stdout installed); test/e2e/helm.test.ts runs it under real Helm.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, sh, toolbox } from './harness.js';
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const EXAMPLE = 'examples/pd-disagg-helm-post-renderer';
const kinds = (text: string) => parseAllDocuments(text).map((d) => `${d.toJS().kind}/${d.toJS().metadata.name}`);

function postRender(dir: string, input: string, env: NodeJS.ProcessEnv = tools.env, args: string[] = []) {
  const r = spawnSync(join(dir, 'pd-disagg-post-renderer'), args, { input, env, encoding: 'utf8', cwd: scratch('helm-cwd') });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('Helm post-renderer wrapper (examples/pd-disagg-helm-post-renderer)', () => {
  it('turns the chart output into the wired stream, the Source comments kept', () => {
    const dir = join(scratch('helm'), 'example');
    cpSync(EXAMPLE, dir, { recursive: true });
    const r = postRender(dir, readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8'));
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const list = kinds(r.stdout);
    expect(list.slice(0, 2)).toEqual(['Deployment/qwen-prefill', 'Deployment/qwen-decode']);
    expect(list).toEqual(expect.arrayContaining(['ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'HTTPRoute/qwen']));
    expect(r.stdout).toContain('# Source: qwen/templates/decode.yaml\n');
    expect(r.stdout).not.toContain('kind: PrefillDecode');
    expect(r.stdout).not.toContain('internal.config.kubernetes.io');
  });

  it('fails the install with nothing on stdout when the chart renders an inconsistent pair', () => {
    const input = readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8').replace('--port=8001', '--port=8000');
    const r = postRender(resolve(EXAMPLE), input);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("the decode engine's port is set to 8000");
  });

  it('passes its arguments on to pd-disagg (helm --post-renderer-args): --config=FILE picks another config', () => {
    const other = join(scratch('other'), 'other.yaml');
    writeFileSync(other, readFileSync(join(EXAMPLE, 'pd-disagg.yaml'), 'utf8').replace('name: qwen\n', 'name: other\n'));
    const r = postRender(resolve(EXAMPLE), readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8'), tools.env, [`--config=${other}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(kinds(r.stdout)).toContain('ConfigMap/other-epp-config');
    expect(kinds(r.stdout)).not.toContain('ConfigMap/qwen-epp-config');
  });

  it('uses PD_DISAGG_CONFIG when set, and fails clearly when that file is missing', () => {
    const r = postRender(resolve(EXAMPLE), readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8'), {
      ...tools.env,
      PD_DISAGG_CONFIG: '/nonexistent/pd-disagg.yaml',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--config /nonexistent/pd-disagg.yaml: no such file');
  });

});

describe('pd-disagg --config in a pipe', () => {
  it('kubectl kustomize | pd-disagg --config: the rendered kustomization comes out wired', () => {
    const r = sh('bash', ['-c', 'set -o pipefail; kubectl kustomize examples/pd-disagg-argocd | pd-disagg --config examples/pd-disagg-argocd/pd-disagg.yaml'], {
      env: tools.env,
    });
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['Deployment/qwen-decode', 'ConfigMap/qwen-epp-config', 'Deployment/qwen-epp']));
  });

  it('refuses bad options and a missing config file with exit 1 and empty stdout', () => {
    for (const args of [['--config'], ['--config', '/nonexistent.yaml'], ['--frobnicate'], ['extra-arg']]) {
      const r = sh('pd-disagg', args, { env: tools.env });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^pd-disagg: error: /);
    }
  });

  it('accepts --config=FILE and writes the same stream as --config FILE', () => {
    const input = readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8');
    const a = spawnSync('pd-disagg', ['--config', join(EXAMPLE, 'pd-disagg.yaml')], { input, env: tools.env, encoding: 'utf8' });
    const b = spawnSync('pd-disagg', [`--config=${join(EXAMPLE, 'pd-disagg.yaml')}`], { input, env: tools.env, encoding: 'utf8' });
    expect(a.status).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });
});
