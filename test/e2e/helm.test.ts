// Helm for real: helm3, built from the module proxy by .ci/tools.sh (pin there) into .tools/bin. Helm 3 runs a
// post-renderer given as a path (examples/pd-disagg-helm-post-renderer). A recording post-renderer shows what it
// really sends: the templates only, with `# Source:` comments, never the hooks.
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs, scratch, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const CHART = resolve('examples/pd-disagg-helm-post-renderer/chart');
const WRAPPER = resolve('examples/pd-disagg-helm-post-renderer/pd-disagg-post-renderer');
const CONFIG = resolve('examples/pd-disagg-helm-post-renderer/pd-disagg.yaml');

const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);
const kinds = (text: string) => objects(text).map((o) => `${o.kind}/${o.metadata.name}`);
const find = (text: string, kind: string, name: string) => objects(text).find((o) => o.kind === kind && o.metadata.name === name);

/** Helm's own directories in a scratch place: no plugin or repository of the machine leaks in. */
function helmEnv(): NodeJS.ProcessEnv {
  const home = scratch('helm-home');
  return {
    ...tools.env,
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_PLUGINS: join(home, 'plugins'),
  };
}

/** The example chart plus a ServiceAccount that is both a template and a pre-install hook, and a hook Job using it
 * (the case Helm 4's own code comments name: the same object as hook and template). */
function chartWithHooks(): string {
  const dir = join(scratch('chart'), 'qwen');
  cpSync(CHART, dir, { recursive: true });
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: qwen-setup\n  namespace: llm\n';
  writeFileSync(join(dir, 'templates', 'setup-sa.yaml'), sa);
  writeFileSync(
    join(dir, 'templates', 'setup-hooks.yaml'),
    sa.replace('  namespace: llm\n', '  namespace: llm\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "-5"\n') +
      '---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: qwen-setup\n  namespace: llm\n  annotations:\n    helm.sh/hook: pre-install\n' +
      'spec:\n  template:\n    spec:\n      serviceAccountName: qwen-setup\n      restartPolicy: Never\n      containers:\n        - name: setup\n          image: busybox:1.36\n',
  );
  return dir;
}

/** A post-renderer that records its stdin and its arguments, and passes the stream through. */
function recorder(dir: string): { script: string; input: string; args: string } {
  mkdirSync(dir, { recursive: true });
  const input = join(dir, 'input.yaml');
  const args = join(dir, 'args');
  const script = join(dir, 'record');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > '${args}'\ntee '${input}'\n`);
  chmodSync(script, 0o755);
  return { script, input, args };
}

function badChart(): string {
  const dir = join(scratch('chart-bad'), 'qwen');
  cpSync(CHART, dir, { recursive: true });
  const decode = join(dir, 'templates', 'decode.yaml');
  writeFileSync(decode, readFileSync(decode, 'utf8').replace('"kv_role":"kv_consumer"', '"kv_role":"kv_producer"'));
  return dir;
}

describe.runIf(needs('helm3'))('Helm 3: helm template --post-renderer PATH', () => {
  const helm = (args: string[], env = helmEnv()) => sh('helm3', args, { env, cwd: scratch('helm-cwd') });

  it('is Helm 3', () => {
    const r = helm(['version', '--short']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^v3\.\d+/);
  });

  it('renders the example chart through the wrapper: engines wired, routing stack added, Source comments kept', () => {
    const r = helm(['template', 'qwen', CHART, '--post-renderer', WRAPPER]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['Deployment/qwen-prefill', 'Deployment/qwen-decode', 'ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'HTTPRoute/qwen']));
    expect(find(r.stdout, 'Deployment', 'qwen-decode').spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    expect(r.stdout).toContain('# Source: qwen/templates/decode.yaml\n');
    expect(r.stdout).not.toContain('kind: PrefillDecode');
  });

  it('passes --post-renderer-args on to pd-disagg: --config=FILE picks another config', () => {
    const other = join(scratch('other'), 'other.yaml');
    writeFileSync(other, readFileSync(CONFIG, 'utf8').replace('name: qwen\n', 'name: other\n'));
    const r = helm(['template', 'qwen', CHART, '--post-renderer', WRAPPER, `--post-renderer-args=--config=${other}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toContain('ConfigMap/other-epp-config');
    expect(kinds(r.stdout)).not.toContain('ConfigMap/qwen-epp-config');
  });

  it('sends the templates only, never the hooks, each under its # Source: comment', () => {
    const rec = recorder(scratch('rec3'));
    const r = helm(['template', 'qwen', chartWithHooks(), '--post-renderer', rec.script, '--post-renderer-args', 'a b']);
    expect(r.code, r.stderr).toBe(0);
    const sent = readFileSync(rec.input, 'utf8');
    expect(kinds(sent).sort()).toEqual(['Deployment/qwen-decode', 'Deployment/qwen-prefill', 'ServiceAccount/qwen-setup']);
    expect(sent).not.toContain('helm.sh/hook');
    expect(sent).toContain('# Source: qwen/templates/setup-sa.yaml\n');
    expect(readFileSync(rec.args, 'utf8')).toBe('a b\n');
    // the hooks are printed after the post-rendered templates, as the chart wrote them
    expect(r.stdout).toContain('helm.sh/hook: pre-install');
  });

  it('a chart with a hook that is also a template renders through pd-disagg (Helm 3 keeps hooks away from it)', () => {
    const r = helm(['template', 'qwen', chartWithHooks(), '--post-renderer', WRAPPER]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout).filter((k) => k === 'ServiceAccount/qwen-setup')).toHaveLength(2);
    expect(kinds(r.stdout)).toContain('ConfigMap/qwen-epp-config');
  });

  it('fails the render with the reason when the chart renders an inconsistent pair', () => {
    const r = helm(['template', 'qwen', badChart(), '--post-renderer', WRAPPER]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kv_role kv_producer');
  });
});
