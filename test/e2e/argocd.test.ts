// The Argo CD plugin, simulated the way the CMP sidecar runs it: the app directory arrives as a tarball unpacked with
// mode 0644 (Argo CD's default), the ARGOCD_* environment is set, and the generate command is run exactly as
// argocd/plugin.yaml writes it, in the app directory. Standalone kustomize is not installed here, so `kustomize` on
// PATH is a stand-in that runs kubectl's embedded kustomize (v5.5).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { kustomizeStandIn, scratch, sh, toolbox } from './harness.js';

const plugin = parse(readFileSync('argocd/plugin.yaml', 'utf8'));
let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
  kustomizeStandIn(tools.bin);
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
    expect(script).toContain('kustomize build . | pd-disagg --config "${ARGOCD_ENV_PD_CONFIG:-pd-disagg.yaml}"');
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
    expect(final).toMatch(/^USER \d+:\d+$/m);
    expect(dockerfile).toMatch(/go install sigs\.k8s\.io\/kustomize\/kustomize\/v5@/);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });
});
