// Helm for real: helm3 and helm4, built from the module proxy by .ci/tools.sh (pins there) into .tools/bin.
// Helm 3 runs a post-renderer given as a path (examples/pd-disagg-helm-post-renderer); Helm 4 only as a plugin
// (examples/pd-disagg-helm-plugin), installed here from the repository. Recording post-renderers show what each
// really sends: Helm 3 the templates only, with `# Source:` comments; Helm 4 hooks and templates in one stream.
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
const PLUGIN = resolve('examples/pd-disagg-helm-plugin');

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
    // helm plugin install links into HELM_DATA_HOME/plugins (v4.3 LocalInstaller.Path), whatever HELM_PLUGINS says
    HELM_PLUGINS: join(home, 'data', 'plugins'),
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

describe.runIf(needs('helm4'))('Helm 4: the pd-disagg post-renderer plugin', () => {
  let env: NodeJS.ProcessEnv;
  const helm = (args: string[], e = env) => sh('helm4', args, { env: e, cwd: scratch('helm-cwd') });
  beforeAll(() => {
    env = helmEnv();
  });

  it('is Helm 4, and refuses a post-renderer given as a path', () => {
    const v = helm(['version', '--short']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^v4\.\d+/);
    const r = helm(['template', 'qwen', CHART, '--post-renderer', WRAPPER]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
  });

  it('installs the plugin from the repository (examples/pd-disagg-helm-plugin)', () => {
    const r = helm(['plugin', 'install', PLUGIN]);
    expect(r.code, r.stderr).toBe(0);
    const list = helm(['plugin', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^pd-disagg\s+0\.1\.0\s+postrenderer\/v1\b/m);
  });

  it('helm template --post-renderer pd-disagg wires the example chart; --post-renderer-args --config picks the config', () => {
    const r = helm(['template', 'qwen', CHART, '--post-renderer', 'pd-disagg', `--post-renderer-args=--config=${CONFIG}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['Deployment/qwen-prefill', 'Deployment/qwen-decode', 'ConfigMap/qwen-epp-config', 'InferencePool/qwen', 'HTTPRoute/qwen']));
    expect(find(r.stdout, 'Deployment', 'qwen-decode').spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    // Helm's file annotation is its own business: it strips it again
    expect(r.stdout).not.toContain('postrenderer.helm.sh');
  });

  it('takes PD_DISAGG_CONFIG when no --config is given', () => {
    const r = helm(['template', 'qwen', CHART, '--post-renderer', 'pd-disagg'], { ...env, PD_DISAGG_CONFIG: CONFIG });
    expect(r.code, r.stderr).toBe(0);
    expect(kinds(r.stdout)).toContain('ConfigMap/qwen-epp-config');
  });

  it('sends hooks and templates in one stream, each annotated with its file (what a recording plugin receives)', () => {
    const dir = join(scratch('rec4'), 'recorder');
    const rec = recorder(dir);
    writeFileSync(
      join(dir, 'plugin.yaml'),
      'apiVersion: v1\ntype: postrenderer/v1\nname: recorder\nversion: 0.1.0\nruntime: subprocess\nruntimeConfig:\n  platformCommand:\n    - command: ${HELM_PLUGIN_DIR}/record\n',
    );
    expect(helm(['plugin', 'install', dir]).code).toBe(0);
    const r = helm(['template', 'qwen', chartWithHooks(), '--post-renderer', 'recorder', '--post-renderer-args', 'a b']);
    expect(r.code, r.stderr).toBe(0);
    const sent = readFileSync(rec.input, 'utf8');
    expect(kinds(sent).sort()).toEqual(['Deployment/qwen-decode', 'Deployment/qwen-prefill', 'Job/qwen-setup', 'ServiceAccount/qwen-setup', 'ServiceAccount/qwen-setup']);
    const hookSa = objects(sent).find((o) => o.kind === 'ServiceAccount' && o.metadata.annotations['helm.sh/hook']);
    expect(hookSa.metadata.annotations['postrenderer.helm.sh/postrender-filename']).toBe('qwen/templates/setup-hooks.yaml');
    expect(readFileSync(rec.args, 'utf8')).toBe('a b\n');
  });

  it('a chart with the same object as hook and template renders through the plugin: the hook comes back unchanged', () => {
    const r = helm(['template', 'qwen', chartWithHooks(), '--post-renderer', 'pd-disagg', `--post-renderer-args=--config=${CONFIG}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sas = objects(r.stdout).filter((o) => o.kind === 'ServiceAccount' && o.metadata.name === 'qwen-setup');
    expect(sas).toHaveLength(2);
    expect(sas.map((o) => o.metadata.annotations?.['helm.sh/hook'] ?? 'template').sort()).toEqual(['pre-install', 'template']);
    expect(kinds(r.stdout)).toEqual(expect.arrayContaining(['Job/qwen-setup', 'ConfigMap/qwen-epp-config']));
    expect(find(r.stdout, 'Deployment', 'qwen-decode').spec.template.spec.initContainers[0].name).toBe('routing-proxy');
  });

  it('fails the render on an inconsistent pair; Helm 4.3 drops the plugin\'s stderr, a pipe shows the reason', () => {
    const chart = badChart();
    const r = helm(['template', 'qwen', chart, '--post-renderer', 'pd-disagg', `--post-renderer-args=--config=${CONFIG}`]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    // v4.3.2 internal/plugin/runtime_subprocess.go runPostrenderer: the plugin's stderr goes to a buffer nobody reads
    expect(r.stderr).toContain('plugin "pd-disagg" exited with error');
    expect(r.stderr).not.toContain('kv_role kv_producer');
    const piped = sh('bash', ['-c', `set -o pipefail; helm4 template qwen '${chart}' | pd-disagg --config '${CONFIG}'`], { env });
    expect(piped.code).not.toBe(0);
    expect(piped.stdout).toBe('');
    expect(piped.stderr).toContain('kv_role kv_producer');
  });
});
