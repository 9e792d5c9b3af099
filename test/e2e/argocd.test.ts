// The Argo CD plugin, simulated the way the CMP sidecar (argocd-cmp-server) runs it: the app directory arrives as a
// tarball unpacked with mode 0644 (Argo CD's default), the environment is what the repo-server sends (ARGOCD_APP_*,
// ARGOCD_ENV_* from the Application's plugin env, ARGOCD_APP_PARAMETERS and PARAM_* from its plugin parameters, as
// argo-cd v2.14 reposerver/repository.go getPluginParamEnvs and ApplicationSourcePluginParameters.Environ build
// them), and the discover and generate commands run exactly as argocd/plugin.yaml writes them, in the app directory
// (argo-cd cmpserver/plugin/plugin.go: a find command must exit 0, any stdout is a match). The CMP server itself is
// not built here (README, "Argo CD"). `kustomize` is the standalone one from .ci/tools.sh; without it, a stand-in
// that runs kubectl's embedded kustomize.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasCommand, kustomizeStandIn, scratch, sh, toolbox } from './harness.js';
import { CONFIGMAP_KEY_NAMES } from '../../src/config/read-config.js';
// @ts-expect-error: a plain ES module of the Argo CD plugin, without types
import { KEYS as ARGOCD_KEYS } from '../../argocd/pd-disagg-argocd-config.mjs';

const plugin = parse(readFileSync('argocd/plugin.yaml', 'utf8'));
let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
  if (!hasCommand('kustomize')) kustomizeStandIn(tools.bin);
  // the image's /usr/local/bin/pd-disagg-argocd-config.mjs (argocd/Dockerfile)
  copyFileSync(resolve('argocd/pd-disagg-argocd-config.mjs'), join(tools.bin, 'pd-disagg-argocd-config.mjs'));
  chmodSync(join(tools.bin, 'pd-disagg-argocd-config.mjs'), 0o755);
});

/** Pack a directory and unpack it the way the CMP server does: regular files 0644, directories 0755. */
function unpackLikeArgo(src: string): string {
  const tarball = join(scratch('tar'), 'app.tgz');
  expect(sh('tar', ['-czf', tarball, '-C', src, '.']).code).toBe(0);
  const dir = join(scratch('cmp'), 'app');
  mkdirSync(dir);
  expect(sh('tar', ['-xzf', tarball, '-C', dir, '--no-same-permissions', '--no-same-owner']).code).toBe(0);
  const fix = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        chmodSync(p, 0o755);
        fix(p);
      } else chmodSync(p, 0o644);
    }
  };
  fix(dir);
  return dir;
}

function generate(appDir: string, extraEnv: Record<string, string> = {}) {
  const { command, args } = plugin.spec.generate as { command: string[]; args: string[] };
  const env = {
    ...tools.env,
    ARGOCD_APP_NAME: 'qwen-pd',
    ARGOCD_APP_NAMESPACE: 'llm',
    ARGOCD_APP_PROJECT_NAME: 'default',
    ARGOCD_APP_REVISION: '0123456789abcdef0123456789abcdef01234567',
    ARGOCD_APP_SOURCE_PATH: 'examples/pd-disagg-argocd',
    ARGOCD_APP_SOURCE_REPO_URL: 'https://github.com/pd-disagg/pd-disagg',
    ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
    KUBE_VERSION: '1.32.4',
    ...extraEnv,
  };
  const r = spawnSync(command[0]!, [...command.slice(1), ...args], { cwd: appDir, env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('Argo CD CMP (argocd/plugin.yaml)', () => {
  it('is a ConfigManagementPlugin whose generate pipes kustomize build through pd-disagg under pipefail', () => {
    expect(plugin.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(plugin.kind).toBe('ConfigManagementPlugin');
    expect(plugin.metadata.name).toBeTruthy();
    const script = plugin.spec.generate.args.join('\n');
    expect(script).toMatch(/set -[a-z]*o pipefail|set -o pipefail/);
    expect(script).toContain('kustomize build . | pd-disagg --config "$config"');
  });

  it('renders the example app directory: wired engines and the routing stack, no local-config objects, no config', () => {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    expect(statSync(join(app, 'kustomization.yaml')).mode & 0o777).toBe(0o644);
    const r = generate(app);
    expect(r.code, r.stderr).toBe(0);
    const list = objects(r.stdout);
    const names = list.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toEqual(expect.arrayContaining(['Deployment/qwen-prefill', 'Deployment/qwen-decode', 'ConfigMap/qwen-epp-config', 'InferencePool/qwen']));
    const decode = list.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
    expect(decode.spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    for (const o of list) {
      expect(o.metadata.annotations?.['config.kubernetes.io/local-config'], `${o.kind}/${o.metadata.name}`).toBeUndefined();
      expect(o.kind).not.toBe('PrefillDecode');
      expect(o.kind).not.toBe('Application');
    }
    expect(r.stdout).not.toContain('internal.config.kubernetes.io');
  });

  it('takes the config file from ARGOCD_ENV_PD_CONFIG (the Application plugin env PD_CONFIG)', () => {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    const other = readFileSync(join(app, 'pd-disagg.yaml'), 'utf8').replace('version: v0.10.0', 'version: v0.9.0').replace('name: qwen\n', 'name: other\n');
    writeFileSync(join(app, 'other.yaml'), other);
    const r = generate(app, { ARGOCD_ENV_PD_CONFIG: 'other.yaml' });
    expect(r.code, r.stderr).toBe(0);
    expect(objects(r.stdout).map((o) => `${o.kind}/${o.metadata.name}`)).toContain('ConfigMap/other-epp-config');
  });

  it('fails the sync with nothing on stdout when kustomize build fails (pipefail)', () => {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    writeFileSync(join(app, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
    const r = generate(app);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing.yaml');
  });

  it('prints nothing when kustomize fails after printing (pipefail, output held until the pipeline succeeded)', () => {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    const bin = join(scratch('bad-kustomize'), 'bin');
    mkdirSync(bin);
    // a kustomize that writes a good stream and then fails: pd-disagg alone would succeed on it
    writeFileSync(join(bin, 'kustomize'), '#!/bin/sh\nkubectl kustomize .\necho "kustomize: failed late" >&2\nexit 3\n');
    chmodSync(join(bin, 'kustomize'), 0o755);
    const r = generate(app, { PATH: `${bin}:${tools.env.PATH}` });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('failed late');
  });

  it('fails the sync with nothing on stdout and the reason on stderr when the pair is inconsistent', () => {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    const decode = join(app, 'decode.yaml');
    writeFileSync(decode, readFileSync(decode, 'utf8').replace('"kv_role":"kv_consumer"', '"kv_role":"kv_producer"'));
    const r = generate(app);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kv_role kv_producer');
  });

  it('argocd/Dockerfile puts node, standalone kustomize and pd-disagg on PATH and runs as a numeric user', () => {
    const dockerfile = readFileSync('argocd/Dockerfile', 'utf8');
    const final = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/^\nFROM node:\d+/);
    expect(final).toMatch(/COPY --from=kustomize \S+ \/usr\/local\/bin\/kustomize/);
    expect(final).toMatch(/COPY --from=build \S* ?\S+pd-disagg\.js \/usr\/local\/bin\/pd-disagg\n/);
    // the launcher finds its bundle by its own name: /usr/local/bin/pd-disagg → /usr/local/bin/pd-disagg.core.js
    expect(final).toMatch(/COPY --from=build \S+pd-disagg\.core\.js \/usr\/local\/bin\/pd-disagg\.core\.js\n/);
    expect(final).toContain('COPY argocd/plugin.yaml /home/argocd/cmp-server/config/plugin.yaml');
    expect(final).toMatch(/COPY --chmod=0755 argocd\/pd-disagg-argocd-config\.mjs \/usr\/local\/bin\/pd-disagg-argocd-config\.mjs\n/);
    expect(final).toMatch(/^USER \d+:\d+$/m);
    expect(dockerfile).toMatch(/go install sigs\.k8s\.io\/kustomize\/kustomize\/v5@/);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  // ---- discovery -------------------------------------------------------------------------------------------------

  function discover(appDir: string) {
    const { command, args } = plugin.spec.discover.find as { command: string[]; args: string[] };
    const r = spawnSync(command[0]!, [...command.slice(1), ...args], { cwd: appDir, env: tools.env, encoding: 'utf8' });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  it.each([
    ['examples/pd-disagg-argocd', true],
    // these run pd-disagg inside kustomize build (container and exec transformers): Argo CD's kustomize renders them
    ['examples/pd-disagg-kustomize-container', false],
    ['examples/pd-disagg-kustomize-exec', false],
    ['examples/qwen-pd', false],
  ])('discover: %s is claimed: %s (and the find command exits 0 either way)', (dir, mine) => {
    const r = discover(unpackLikeArgo(dir));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim() !== '').toBe(mine);
  });

  // ---- parameters ------------------------------------------------------------------------------------------------

  /** What the repo-server sends for spec.source.plugin.parameters (ApplicationSourcePluginParameters.Environ). */
  function parameterEnv(params: Array<{ name: string; string?: string; array?: string[]; map?: Record<string, string> }>) {
    const env: Record<string, string> = { ARGOCD_APP_PARAMETERS: JSON.stringify(params) };
    for (const p of params) {
      const base = `PARAM_${p.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
      if (p.string !== undefined) env[base] = p.string;
      p.array?.forEach((v, i) => (env[`${base}_${i}`] = v));
    }
    return env;
  }

  /** The example app directory without its pd-disagg.yaml: an Application that sets parameters instead. */
  function parameterApp(): string {
    const app = unpackLikeArgo('examples/pd-disagg-argocd');
    rmSync(join(app, 'pd-disagg.yaml'));
    return app;
  }

  it('announces the ConfigMap form keys as string parameters', () => {
    const names = (plugin.spec.parameters.static as Array<{ name: string; title: string }>).map((p) => p.name).sort();
    // every key the ConfigMap form takes, no more: a key added to the reader must be announced here too
    expect(names).toEqual([...CONFIGMAP_KEY_NAMES].sort());
    expect([...ARGOCD_KEYS].sort()).toEqual([...CONFIGMAP_KEY_NAMES].sort());
    for (const p of plugin.spec.parameters.static) expect(p.title, p.name).toBeTruthy();
  });

  it('maps the Application\'s parameters onto the config: router version, decider, threshold, gateway, sidecar', () => {
    const r = generate(
      parameterApp(),
      parameterEnv([
        { name: 'eppVersion', string: 'v0.9.0' },
        { name: 'nonCachedTokens', string: '64' },
        { name: 'gateway', string: 'infra/inference-gateway' },
        { name: 'sidecarNative', string: 'false' },
        { name: 'name', string: 'qwen' },
      ]),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const list = objects(r.stdout);
    const epp = list.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'qwen-epp-config');
    expect(epp.data['epp-config.yaml']).toContain('nonCachedTokens: 64');
    expect(list.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-epp').spec.template.spec.containers[0].image).toMatch(/:v0\.9\.0$/);
    const route = list.find((o) => o.kind === 'HTTPRoute');
    expect(route.spec.parentRefs[0]).toMatchObject({ name: 'inference-gateway', namespace: 'infra' });
    const decode = list.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
    expect(decode.spec.template.spec.initContainers ?? []).toEqual([]);
    expect(decode.spec.template.spec.containers.map((c: { name: string }) => c.name)).toContain('routing-proxy');
    // the parameters' ConfigMap is the config, never output
    expect(list.find((o) => o.metadata.name === 'pd-disagg-parameters')).toBeUndefined();
  });

  it('never evaluates a value: shell syntax in a parameter arrives as data', () => {
    const marker = join(scratch('pwn'), 'pwned');
    const image = `ghcr.io/x/sidecar:v1$(touch ${marker})\`;\`touch ${marker}\`"'; touch ${marker}`;
    const r = generate(parameterApp(), parameterEnv([{ name: 'sidecarImage', string: image }]));
    expect(existsSync(marker)).toBe(false);
    // pd-disagg took the value as it was (an image reference it then uses verbatim)
    if (r.code === 0) {
      const decode = objects(r.stdout).find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
      expect(decode.spec.template.spec.initContainers[0].image).toBe(image);
    } else {
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('sidecarImage');
    }
  });

  it.each([
    ['an unknown parameter', [{ name: 'replicas', string: '3' }], /parameter replicas is not one pd-disagg takes; use one of: name, prefill/],
    ['an array parameter', [{ name: 'decider', array: ['always'] }], /parameter decider must be a string/],
    ['a value pd-disagg refuses', [{ name: 'nonCachedTokens', string: '0' }], /nonCachedTokens/],
  ])('fails the sync on %s, with nothing on stdout', (_, params, message) => {
    const r = generate(parameterApp(), parameterEnv(params as never));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('refuses parameters next to a pd-disagg.yaml or a PD_CONFIG: one place says what the router does', () => {
    const params = parameterEnv([{ name: 'decider', string: 'always' }]);
    const withFile = generate(unpackLikeArgo('examples/pd-disagg-argocd'), params);
    expect(withFile.code).not.toBe(0);
    expect(withFile.stdout).toBe('');
    expect(withFile.stderr).toContain('the directory has a pd-disagg.yaml');
    const withEnv = generate(parameterApp(), { ...params, ARGOCD_ENV_PD_CONFIG: 'other.yaml' });
    expect(withEnv.code).not.toBe(0);
    expect(withEnv.stderr).toContain('PD_CONFIG=other.yaml');
  });

  it('an empty parameter list is no parameters: pd-disagg.yaml is read', () => {
    const r = generate(unpackLikeArgo('examples/pd-disagg-argocd'), { ARGOCD_APP_PARAMETERS: '[]' });
    expect(r.code, r.stderr).toBe(0);
    expect(objects(r.stdout).map((o) => `${o.kind}/${o.metadata.name}`)).toContain('ConfigMap/qwen-epp-config');
  });
});
