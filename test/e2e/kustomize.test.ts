// Container mode under kubectl's kustomize (which silently skips exec functions): the repo's kustomization.yaml runs
// pd-disagg as a container transformer through the `docker` stand-in, which runs the bundle as nobody without
// network and records the argv kustomize passed.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, sh, toolbox } from './harness.js';

let tools: ReturnType<typeof toolbox>;
beforeAll(() => {
  tools = toolbox();
});

const build = (dir: string) => sh('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { env: tools.env });

describe('kubectl kustomize --enable-alpha-plugins (container transformer)', () => {
  it('renders the bundled example through the function, the same way twice', () => {
    const first = build('.');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const objects = parseAllDocuments(first.stdout).map((d) => d.toJS());
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toContain('ConfigMap/qwen-epp-config');
    const decode = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'qwen-decode');
    expect(decode.spec.template.spec.initContainers[0].name).toBe('routing-proxy');
    // kustomize strips the internal annotations and never shows the functionConfig
    expect(first.stdout).not.toContain('internal.config.kubernetes.io');
    expect(first.stdout).not.toContain('kind: PrefillDecode');

    const argv = readFileSync(tools.dockerLog, 'utf8');
    expect(argv).toMatch(/run --rm -i .*--network none/);
    expect(argv).toContain('--user nobody');
    expect(argv).toContain('ghcr.io/pd-disagg/pd-disagg:v0.1.0');

    expect(build('.').stdout).toBe(first.stdout);
  });

  it('is idempotent: its own output rendered again comes back the same', () => {
    const first = build('.');
    const dir = scratch('kust');
    writeFileSync(join(dir, 'rendered.yaml'), first.stdout);
    cpSync('fn-config/kustomize-container.yaml', join(dir, 'fn.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [rendered.yaml]\ntransformers: [fn.yaml]\n');
    const second = build(dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  });

  it('fails the build with the message on stderr when the pair is inconsistent', () => {
    const dir = scratch('kust-bad');
    for (const f of ['prefill.yaml', 'decode.yaml']) cpSync(`examples/qwen-pd/${f}`, join(dir, f));
    const decode = join(dir, 'decode.yaml');
    writeFileSync(decode, readFileSync(decode, 'utf8').replace('--port=8001', '--port=8000'));
    cpSync('fn-config/kustomize-container.yaml', join(dir, 'fn.yaml'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [prefill.yaml, decode.yaml]\ntransformers: [fn.yaml]\n');
    const r = build(dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("the decode engine's port is set to 8000");
  });
});
