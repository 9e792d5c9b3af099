// Everything pd-disagg writes that a cluster would receive: every golden output (testdata/*/expected.yaml, error
// cases excepted) and every example's output, produced the way the example says (kpt fn render / eval, kustomize,
// the Helm wrapper, the Argo CD pipeline). Shared by the API-server dry run (apiserver.test.ts).
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { gitPackage, scratch, sh, TOOLS_BIN, type toolbox } from './harness.js';

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> } };

/** Objects a cluster would get: no local-config objects, no configs, without the kpt/kustomize plumbing annotations. */
export function clusterObjects(objects: Obj[]): Obj[] {
  return objects
    .filter((o) => o && typeof o === 'object' && o.kind)
    .filter((o) => o.metadata?.annotations?.['config.kubernetes.io/local-config'] !== 'true')
    .filter((o) => !o.apiVersion.startsWith('pd-disagg.dev/') && !o.apiVersion.startsWith('kpt.dev/'))
    .map((o) => {
      const annotations = Object.fromEntries(
        Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('internal.config.kubernetes.io/') && !k.startsWith('config.kubernetes.io/')),
      );
      const metadata = { ...o.metadata, annotations };
      if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
      return { ...o, metadata };
    });
}

const streamObjects = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);

export const GOLDEN_CASES = readdirSync('testdata').filter((c) => !c.startsWith('error-') && existsSync(join('testdata', c, 'expected.yaml')));

export function golden(name: string): Obj[] {
  return clusterObjects(parse(readFileSync(join(name.includes('/') ? '' : 'testdata', name, 'expected.yaml'), 'utf8')).items);
}

/** Golden-like cases outside testdata/ (their EPP configs are not yet proven by the router; see test/dset.test.ts). */
export const OTHER_CASES = ['test/dset/ctx-gen', 'test/dset/epd'];

type Tools = ReturnType<typeof toolbox>;

function ok(label: string, r: { code: number; stderr: string }): void {
  if (r.code !== 0) throw new Error(`${label} failed (exit ${r.code}): ${r.stderr}`);
}

/** Each example's output, by the route its README gives. */
export const EXAMPLES: Record<string, (tools: Tools) => Obj[]> = {
  'qwen-pd (kpt fn render)': (tools) => {
    const pkg = gitPackage('examples/qwen-pd');
    ok('kpt fn render', sh('kpt', ['fn', 'render', pkg, '--allow-exec'], { env: tools.env }));
    const source = sh('kpt', ['fn', 'source', pkg], { env: tools.env });
    ok('kpt fn source', source);
    return clusterObjects(parse(source.stdout).items);
  },
  'qwen-dset (kpt fn render, a DisaggregatedSet)': (tools) => {
    const pkg = gitPackage('examples/qwen-dset');
    ok('kpt fn render', sh('kpt', ['fn', 'render', pkg, '--allow-exec'], { env: tools.env }));
    const source = sh('kpt', ['fn', 'source', pkg], { env: tools.env });
    ok('kpt fn source', source);
    return clusterObjects(parse(source.stdout).items);
  },
  'pd-disagg-sglang-eval (kpt fn eval -- key=value)': (tools) => {
    const pkg = gitPackage('examples/pd-disagg-sglang-eval');
    const config = parse(readFileSync('examples/pd-disagg-sglang-eval/.expected/config.yaml', 'utf8'));
    const args = Object.entries(config.args as Record<string, string>).map(([k, v]) => `${k}=${v}`);
    ok('kpt fn eval', sh('kpt', ['fn', 'eval', pkg, '--exec', 'pd-disagg', '--', ...args], { env: tools.env }));
    const source = sh('kpt', ['fn', 'source', pkg], { env: tools.env });
    ok('kpt fn source', source);
    return clusterObjects(parse(source.stdout).items);
  },
  'pd-disagg-kustomize-container (kubectl kustomize)': (tools) => {
    const r = sh('kubectl', ['kustomize', '--enable-alpha-plugins', 'examples/pd-disagg-kustomize-container'], { env: tools.env });
    ok('kubectl kustomize', r);
    return clusterObjects(streamObjects(r.stdout));
  },
  'pd-disagg-kustomize-exec (kustomize build --enable-exec)': (tools) => {
    const r = sh(join(TOOLS_BIN, 'kustomize'), ['build', '--enable-alpha-plugins', '--enable-exec', 'examples/pd-disagg-kustomize-exec'], { env: tools.env });
    ok('kustomize build', r);
    return clusterObjects(streamObjects(r.stdout));
  },
  'pd-disagg-helm-post-renderer (the wrapper on helm-template.yaml)': (tools) => {
    const dir = join(scratch('helm-ex'), 'ex');
    cpSync('examples/pd-disagg-helm-post-renderer', dir, { recursive: true });
    const r = spawnSync(join(dir, 'pd-disagg-post-renderer'), [], { input: readFileSync(join(dir, 'helm-template.yaml')), env: tools.env, encoding: 'utf8' });
    ok('post-renderer', { code: r.status ?? -1, stderr: r.stderr });
    return clusterObjects(streamObjects(r.stdout));
  },
  'pd-disagg-argocd (kustomize build . | pd-disagg --config)': (tools) => {
    const r = sh('bash', ['-c', 'set -o pipefail; kubectl kustomize examples/pd-disagg-argocd | pd-disagg --config examples/pd-disagg-argocd/pd-disagg.yaml'], { env: tools.env });
    ok('argocd pipeline', r);
    return clusterObjects(streamObjects(r.stdout));
  },
};
