// Stream mode through the built binary: a shell pipe, and the Helm post-renderer wrapper run the way Helm runs it
// (an executable, the rendered chart on stdin, stdout installed). Helm is not installed here; this is what it does.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, scratch, sh, toolbox } from './harness.js';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const EXAMPLE = 'examples/pd-disagg-helm-post-renderer';
const kinds = (text: string) => parseAllDocuments(text).map((d) => `${d.toJS().kind}/${d.toJS().metadata.name}`);

function postRender(dir: string, input: string, env: NodeJS.ProcessEnv = tools.env) {
  const r = spawnSync(join(dir, 'pd-disagg-post-renderer'), [], { input, env, encoding: 'utf8', cwd: scratch('helm-cwd') });
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

  it('uses PD_DISAGG_CONFIG when set, and fails clearly when that file is missing', () => {
    const r = postRender(resolve(EXAMPLE), readFileSync(join(EXAMPLE, 'helm-template.yaml'), 'utf8'), {
      ...tools.env,
      PD_DISAGG_CONFIG: '/nonexistent/pd-disagg.yaml',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--config /nonexistent/pd-disagg.yaml: no such file');
  });

  it.runIf(hasCommand('helm'))('runs under the real helm template --post-renderer', () => {
    // only where Helm is installed: a two-template chart made from the example manifests
    const chart = scratch('chart');
    mkdirSync(join(chart, 'templates'));
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: qwen\nversion: 0.1.0\n');
    cpSync('examples/qwen-pd/prefill.yaml', join(chart, 'templates', 'prefill.yaml'));
    cpSync('examples/qwen-pd/decode.yaml', join(chart, 'templates', 'decode.yaml'));
    const r = sh('helm', ['template', 'qwen', chart, '--post-renderer', resolve(EXAMPLE, 'pd-disagg-post-renderer')], { env: tools.env });
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toContain('ConfigMap/qwen-epp-config');
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
