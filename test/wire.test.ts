// The KRM wire contract, one test per promise (krm-ecosystem.md §1): what kpt and kustomize rely on.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { item, read, runText } from './helpers.js';

const kptInput = read('testdata/kpt-package-comments/input.yaml');
const bundle = (input: string) => spawnSync(process.execPath, ['dist/pd-disagg.js'], { input, encoding: 'utf8' });

describe('wire contract', () => {
  it('keeps comments, key order and scalar quoting on the items it edits and the ones it does not', () => {
    const out = runText(kptInput);
    expect(out.exitCode).toBe(0);
    for (const kept of [
      '# the engines',
      'name: qwen-prefill # prefill side',
      'image: "docker.io/vllm/vllm-openai:v0.19.1" # pinned: ships NIXL',
      '# not ours: must come back unchanged, scalars as written',
      "mode: '0755'",
      'count: "1"',
      'immutable: False',
      'value: "5601" # the user\'s value wins',
    ]) {
      expect(out.stdout).toContain(kept);
    }
    const decode = item(out.items, 'Deployment', 'qwen-decode');
    expect(Object.keys(decode)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  it('passes Kptfile, local-config objects and the functionConfig through untouched', () => {
    const out = runText(kptInput);
    const before = parse(kptInput);
    for (const kind of ['Kptfile', 'PrefillDecode', 'ConfigMap']) {
      const name = before.items.find((i: { kind: string }) => i.kind === kind).metadata.name;
      expect(item(out.items, kind, name)).toEqual(before.items.find((i: { kind: string; metadata: { name: string } }) => i.kind === kind && i.metadata.name === name));
    }
    expect(out.list?.functionConfig).toEqual(before.functionConfig);
  });

  it('keeps id, path, index and seqindent annotations and gives new resources a relative path', () => {
    const out = runText(kptInput);
    const decode = item(out.items, 'Deployment', 'qwen-decode');
    // the tool annotations as they came, plus pd-disagg's ownership markers (src/plan/owned.ts)
    const { 'pd-disagg.dev/pair': pair, 'pd-disagg.dev/config': config, 'pd-disagg.dev/injected': injected, ...rest } = decode.metadata.annotations;
    expect(rest).toEqual(parse(kptInput).items[2].metadata.annotations);
    expect(pair).toBe('Deployment/qwen-decode');
    // kpt's configPath: the config's file, as kpt passed it on the functionConfig
    expect(config).toBe(parse(kptInput).functionConfig.metadata.annotations['config.kubernetes.io/path']);
    expect(injected).toContain('initContainers[routing-proxy]');
    const generated = out.items.filter((i) => i.metadata.labels?.['app.kubernetes.io/managed-by'] === 'pd-disagg');
    expect(generated.length).toBeGreaterThan(0);
    const indexes = new Set<string>();
    for (const g of generated) {
      const a = g.metadata.annotations;
      expect(a['internal.config.kubernetes.io/path']).toBe('engines/qwen-pd-disagg.yaml');
      expect(a['config.kubernetes.io/path']).toBe(a['internal.config.kubernetes.io/path']);
      expect(a['config.kubernetes.io/index']).toBe(a['internal.config.kubernetes.io/index']);
      indexes.add(a['internal.config.kubernetes.io/index']);
    }
    expect(indexes.size).toBe(generated.length);
  });

  it('prints nothing but one ResourceList on stdout, human text on stderr', () => {
    const r = bundle(kptInput);
    expect(r.status).toBe(0);
    const docs = parseAllDocuments(r.stdout);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.errors).toEqual([]);
    expect(docs[0]!.toJS().kind).toBe('ResourceList');
    expect(r.stderr).toBe('');
    expect(docs[0]!.toJS().results.every((x: { severity: string }) => x.severity === 'info')).toBe(true);
  });

  it('never exits 0 with empty or missing items', () => {
    for (const input of [
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n',
      'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n',
      '',
    ]) {
      const r = bundle(input);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^pd-disagg: error: /);
    }
  });

  it('exits non-zero on error results but still prints the ResourceList with them, items unchanged', () => {
    const input = read('testdata/error-inverted-roles/input.yaml');
    const r = bundle(input);
    expect(r.status).toBe(1);
    const out = parse(r.stdout);
    expect(out.items).toEqual(parse(input).items);
    expect(out.results.filter((x: { severity: string }) => x.severity === 'error')).toHaveLength(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('sets process.exitCode and never calls process.exit(), so stdout drains into a pipe', () => {
    const src = readFileSync('src/main.ts', 'utf8');
    expect(src).toContain('process.exitCode = out.exitCode');
    expect(src.replace(/\/\/.*$/gm, '')).not.toMatch(/process\.exit\(/);
    // a large output through a pipe arrives whole
    const big = kptInput.replace('items:\n', `items:\n${Array.from({ length: 3000 }, (_, i) => `- {apiVersion: v1, kind: ConfigMap, metadata: {name: filler-${i}}, data: {k: "${'x'.repeat(64)}"}}\n`).join('')}`);
    const r = bundle(big);
    expect(r.status).toBe(0);
    expect(parse(r.stdout).items.length).toBeGreaterThan(3000);
  });

  it('is deterministic and idempotent', () => {
    const first = runText(kptInput);
    expect(runText(kptInput).stdout).toBe(first.stdout);
    const again = runText(first.stdout);
    expect(again.items).toEqual(first.items);
  });

  it('accepts JSON and v1alpha1 input, and answers in block YAML with the same apiVersion', () => {
    const list = parse(read('testdata/labels-autodetect/input.yaml'));
    list.apiVersion = 'config.kubernetes.io/v1alpha1';
    const out = runText(JSON.stringify(list));
    expect(out.exitCode).toBe(0);
    expect(out.list?.apiVersion).toBe('config.kubernetes.io/v1alpha1');
    expect(out.stdout).not.toMatch(/^\s*[{[]/m);
    expect(out.stdout).toMatch(/^items:\n- apiVersion: apps\/v1/m);
  });

  it('--help prints usage and exits 0', () => {
    const r = spawnSync(process.execPath, ['dist/pd-disagg.js', '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PrefillDecode/);
  });
});

describe('reading stdin', () => {
  it('reads input that arrives in pieces with pauses, to its end', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['dist/pd-disagg.js'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    const half = Math.floor(kptInput.length / 2);
    child.stdin.write(kptInput.slice(0, half));
    await new Promise((r) => setTimeout(r, 300));
    child.stdin.end(kptInput.slice(half));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(parse(stdout).items.length).toBeGreaterThan(parse(kptInput).items.length);
  });
});
