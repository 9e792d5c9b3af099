// Mistakes that lead straight to the fix: each message names the resource, the field and what to write instead.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/read-config.js';
import { nearest } from '../src/config/suggest.js';
import { run } from '../src/run.js';
import { runStream } from '../src/stream/stream.js';
import type { Result } from '../src/types.js';
import { formatResult, withRuleId } from '../src/write/stderr.js';
import { resourceListFromDir } from '../scripts/resource-list.mjs';

const HELM = 'examples/pd-disagg-helm-post-renderer';
const stream = readFileSync(`${HELM}/helm-template.yaml`, 'utf8');
const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fn' }, data });
const typed = (spec: object) => ({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: 'qwen' }, spec });
const errorsOf = (fc: object) => readConfig(fc as never).results.map((r) => ({ message: r.message, field: r.field?.path, kind: r.resourceRef?.kind }));

describe('did you mean', () => {
  it('suggests the nearest known name for typos, case slips, swapped letters and cut-off names, and nothing for unrelated ones', () => {
    const keys = ['nonCachedTokens', 'promptTokens', 'gateway', 'eppVersion'];
    expect(nearest('nonCachedToken', keys)).toBe('nonCachedTokens');
    expect(nearest('noncachedtokens', keys)).toBe('nonCachedTokens');
    expect(nearest('gatewya', keys)).toBe('gateway');
    expect(nearest('nonCached', keys)).toBe('nonCachedTokens');
    expect(nearest('replicas', keys)).toBeUndefined();
  });

  it('an unknown ConfigMap key names the key, suggests the nearest and lists the accepted ones', () => {
    const [e] = errorsOf(configMap({ nonCachedToken: '16' }));
    expect(e!.field).toBe('data.nonCachedToken');
    expect(e!.message).toMatch(/^functionConfig data\.nonCachedToken is not a known key; did you mean nonCachedTokens\? \(accepted keys: name, .*requestTimeout, metricsAuth, rules/);
  });

  it('an unknown PrefillDecode field suggests the nearest field of the same object', () => {
    const [e] = errorsOf(typed({ epp: { nonCachedToken: 3 } }));
    expect(e!.field).toBe('spec.epp.nonCachedToken');
    expect(e!.message).toBe(
      'functionConfig spec.epp.nonCachedToken is not a known field; did you mean nonCachedTokens? (known here: version, decider, nonCachedTokens, promptTokens, blockSizeTokens, scorerWeights, config)',
    );
    expect(errorsOf(typed({ eep: {} }))[0]!.message).toContain('spec.eep is not a known field; did you mean epp?');
  });
});

describe('ConfigMap values are held to the typed form', () => {
  it('refuses gateway=a/b/c instead of reading namespace a, name b', () => {
    expect(errorsOf(configMap({ gateway: 'a/b/c' }))).toEqual([
      { message: 'functionConfig data.gateway must be NAME or NAMESPACE/NAME of a Gateway (at most one /), got "a/b/c"', field: 'data.gateway', kind: 'ConfigMap' },
    ]);
    expect(errorsOf(configMap({ prefill: 'Deployment/a/b' }))[0]!.message).toContain('data.prefill must be NAME or KIND/NAME');
  });

  it('runs every value through the PrefillDecode schema: names, durations and rule overrides as strict as spec', () => {
    const [gw] = errorsOf(configMap({ gateway: 'infra/GW' }));
    expect(gw!.field).toBe('data.gateway');
    expect(gw!.message).toContain('spec.router.gateway.name must be a Kubernetes object name');
    expect(errorsOf(typed({ router: { gateway: { name: 'GW' } } }))[0]!.message).toContain('spec.router.gateway.name must be a Kubernetes object name');
    const [timeout] = errorsOf(configMap({ gateway: 'gw', requestTimeout: '5 min' }));
    expect(timeout).toEqual({
      message: 'functionConfig data.requestTimeout: spec.router.gateway.requestTimeout must be a Gateway API duration such as 300s, 10m, 1h30m or 0s (no timeout), got "5 min"',
      field: 'data.requestTimeout',
      kind: 'ConfigMap',
    });
    const [rule] = errorsOf(configMap({ rules: 'kv-role-both=of' }));
    expect(rule!.field).toBe('data.rules');
    expect(rule!.message).toContain('spec.rules.kv-role-both must be one of "off", "error", "warning", "info"');
    expect(errorsOf(configMap({ rules: 'kv-role-both' }))[0]!.message).toContain('must be a comma-separated list of RULE=SEVERITY');
    expect(errorsOf(configMap({ requestTimeout: '10s' }))[0]!.message).toContain('needs data.gateway too');
  });

  it('reads rules and requestTimeout from the ConfigMap into the same config as the typed form', () => {
    const fromMap = readConfig(configMap({ gateway: 'infra/gw', requestTimeout: '0s', rules: 'kv-role-both=off, block-size-implicit=error' }) as never).config!;
    const fromTyped = readConfig(typed({ router: { gateway: { name: 'gw', namespace: 'infra', requestTimeout: '0s' } }, rules: { 'kv-role-both': 'off', 'block-size-implicit': 'error' } }) as never).config!;
    expect(fromMap.router).toEqual(fromTyped.router);
    expect(fromMap.rules).toEqual(fromTyped.rules);
  });

  it('gateway.requestTimeout (docs/router-versions.md) is accepted and lands on the HTTPRoute', () => {
    const config = readFileSync(`${HELM}/pd-disagg.yaml`, 'utf8').replace(/(gateway:\n(\s+)name: [^\n]+\n)/, '$1$2requestTimeout: 0s\n');
    expect(config).toContain('requestTimeout: 0s');
    const out = runStream(stream, config, 'pd-disagg.yaml');
    expect(out.stderr).toBe('');
    expect(out.stdout).toMatch(/timeouts:\n\s+request: 0s/);
  });

  it('an override for a rule id that does not exist is an error suggesting the real one', () => {
    const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fn}\ndata:\n  rules: kv-role-bth=off\n';
    const out = runStream(stream, config, 'c.yaml');
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('ConfigMap/fn data.rules: data.rules: kv-role-bth is not a rule id; did you mean kv-role-both?');
  });
});

describe('roles swapped in the config', () => {
  it('one error says so, names both workloads and their evidence, and the fix', () => {
    const swapped = (resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' }) as string)
      .replace(/(prefill:\n\s+name: )qwen-prefill/g, '$1SWAP')
      .replace(/(decode:\n\s+name: )qwen-decode/g, '$1qwen-prefill')
      .replace(/SWAP/g, 'qwen-decode');
    const out = run(swapped);
    expect(out.exitCode).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('PrefillDecode/qwen spec.prefill: prefill and decode are swapped in the config');
    expect(lines[0]).toContain('spec.prefill names Deployment/llm/qwen-decode, which is a decode engine (kv_role kv_consumer)');
    expect(lines[0]).toContain('set spec.prefill to qwen-prefill and spec.decode to qwen-decode (4 errors that follow from the swap not shown) [rule roles-swapped]');
  });

  it('in the ConfigMap form it names data.prefill/data.decode, says how many errors it folds, and keeps the infos', () => {
    const base = readFileSync('testdata/configmap-config/input.yaml', 'utf8');
    const swapped = base.replace('    prefill: llama-p\n    decode: llama-d\n', '    prefill: llama-d\n    decode: llama-p\n');
    const out = run(swapped);
    expect(out.exitCode).toBe(1);
    const results = (parse(out.stdout) as { results: Result[] }).results;
    expect(results[0]).toEqual({
      message:
        'prefill and decode are swapped in the config: data.prefill names Deployment/llama-d, which is a decode engine (kv_role kv_consumer), and data.decode ' +
        'names Deployment/llama-p, which is a prefill engine (kv_role kv_producer); set data.prefill to llama-p and data.decode to llama-d ' +
        '(4 errors that follow from the swap not shown) [rule roles-swapped]',
      severity: 'error',
      tags: { rule: 'roles-swapped' },
      resourceRef: { apiVersion: 'v1', kind: 'ConfigMap', name: 'function-input' },
      field: { path: 'data.prefill', currentValue: 'llama-d', proposedValue: 'llama-p' },
    });
    // the errors are folded into it, the infos stay
    expect(results.slice(1).map((r) => [r.severity, r.tags?.rule])).toEqual([
      ['info', 'block-size-implicit'],
      ['info', 'block-size-implicit'],
      ['info', 'epp-block-size-floor'],
    ]);
    const rules = (ids: string) => run(swapped.replace('    decider: always\n', `    decider: always\n    rules: ${ids}\n`)).stderr;
    expect(rules('kv-role-inverted=off,decode-port-is-sidecar-port=off')).toContain('set data.prefill to llama-p and data.decode to llama-d (1 error that follows from the swap not shown)');
    expect(rules('kv-role-inverted=off')).toContain('(2 errors that follow from the swap not shown)');
  });

  it('when only one of the two named engines plays the other role, nothing is folded: each error is shown as it is', () => {
    const base = readFileSync('testdata/configmap-config/input.yaml', 'utf8');
    const named = base.replace('    prefill: llama-p\n    decode: llama-d\n', '    prefill: llama-d\n    decode: llama-p\n');
    expect(named).not.toBe(base);
    // one side keeps its evidence (kv_producer on llama-p, named as decode; kv_consumer on llama-d, named as prefill),
    // the other gets kv_both, which implies no role
    for (const [keep, blur] of [
      ['kv_consumer', 'kv_producer'],
      ['kv_producer', 'kv_consumer'],
    ] as const) {
      const input = named.replace(`"kv_role":"${blur}"`, '"kv_role":"kv_both"');
      expect(input).toContain(`"kv_role":"${keep}"`);
      const out = run(input);
      expect(out.exitCode, keep).toBe(1);
      const results = (parse(out.stdout) as { results: Result[] }).results;
      const errors = results.filter((r) => r.severity === 'error').map((r) => r.tags?.rule);
      expect(errors, keep).not.toContain('roles-swapped');
      expect(errors, keep).toContain('kv-role-inverted');
    }
  });
});

describe('input mistakes', () => {
  it('a plain manifest stream without --config says to pass --config', () => {
    const one = run('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n');
    expect(one.stderr).toContain('not a ResourceList');
    expect(one.stderr).toContain('run pd-disagg --config FILE');
    const many = run(stream);
    expect(many.exitCode).toBe(1);
    expect(many.stderr).toContain('run pd-disagg --config FILE');
  });

  it('a YAML syntax error ends with the offending line (or where the unclosed one opens), in both modes', () => {
    const bad = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- a: b\n c: d\n';
    expect(run(bad).stderr).toBe('pd-disagg: error: stdin is not valid YAML: Sequence item without - indicator at line 5, column 1:  c: d\n');
    const unclosed = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: y\n  labels: {a: b\n';
    const s = runStream(unclosed, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'c.yaml');
    expect(s.stderr).toMatch(/is not valid YAML: Flow map .* the input ends before it is closed; it opens at line 5, column 11: {3}labels: \{a: b\n$/);
    const cfg = runStream(stream, 'apiVersion: v1\nkind: ConfigMap\n\tdata: x\n', 'c.yaml');
    expect(cfg.stderr).toMatch(/^pd-disagg: error: --config c\.yaml: not valid YAML: .* at line 3, column 1: \\tdata: x\n$/);
  });

  it('a LeaderWorkerSet whose leader runs no engine but whose workers do says so and what to change', () => {
    const input = readFileSync('testdata/leaderworkerset/input.yaml', 'utf8');
    const lead = `            command: ["vllm", "serve", "/mnt/models"]\n            args: ["--block-size=64", "--tensor-parallel-size=8", "--port=8200", "--kv-transfer-config", '{"kv_connector":"NixlConnector","kv_role":"kv_consumer"}']`;
    const work = '            command: ["sh", "-c", "ray start --block --address=$(LWS_LEADER_ADDRESS):6379"]';
    expect(input).toContain(lead);
    const swapped = input.replace(lead, 'LEAD').replace(work, lead).replace('LEAD', '            command: ["sh", "-c", "ray start --head --block --port=6379"]');
    const out = run(swapped);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toContain('LeaderWorkerSet/ds-decode spec.leaderWorkerTemplate.leaderTemplate.spec.containers:');
    expect(out.stderr).toContain('its leaderTemplate runs no vLLM or SGLang engine while its workerTemplate does (container "vllm" at spec.leaderWorkerTemplate.workerTemplate.spec.containers[0])');
    expect(out.stderr).toContain('start the engine (the same launch line, as rank 0) in the leaderTemplate');
  });
});

describe('rule ids where users look', () => {
  const input = readFileSync('testdata/error-inverted-roles/input.yaml', 'utf8');

  it('every stderr line and every result message ends with its rule id, the one in tags.rule', () => {
    const out = run(input);
    expect(out.exitCode).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/ \[rule [a-z0-9-]+\]$/);
    expect(lines[0]).toBe(
      'pd-disagg: error: Deployment/m-prefill spec.template.spec.containers[0].args[1]: the prefill engine\'s NixlConnector has kv_role kv_consumer, ' +
        'the other side\'s role: KV would never flow prefill→decode; set "kv_role":"kv_producer" in --kv-transfer-config [rule kv-role-inverted]',
    );
    const results = (parse(out.stdout) as { results: Result[] }).results;
    for (const r of results) expect(r.message.endsWith(` [rule ${r.tags!.rule}]`), r.message).toBe(true);
  });

  it('config and discovery errors carry ids too (config-invalid, discovery), documented in docs/rules.md', () => {
    const bad = run(readFileSync('testdata/error-config-field/input.yaml', 'utf8'));
    for (const line of bad.stderr.trim().split('\n')) expect(line).toMatch(/ \[rule config-invalid\]$/);
    const missing = runStream(stream, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  prefill: nope\n', 'c.yaml');
    expect(missing.stderr).toMatch(/^pd-disagg: error: ConfigMap\/c data\.prefill: data\.prefill names workload "nope", which is not among the items .* \[rule discovery\]\n$/);
    const doc = readFileSync('docs/rules.md', 'utf8');
    for (const id of ['config-invalid', 'discovery', 'roles-swapped', 'duplicate-resource', 'kv-role-inverted']) expect(doc).toContain(`\`${id}\``);
  });

  it('a long message is shortened on stderr but keeps its rule id at the end', () => {
    const line = formatResult(withRuleId({ message: 'x'.repeat(5000), severity: 'error', tags: { rule: 'block-size-mismatch' } }));
    expect(line.length).toBeLessThan(2200);
    expect(line).toMatch(/… \(3000 more characters\) \[rule block-size-mismatch\]$/);
  });

  it('a message is printed whole on stderr: its rule id is only kept at the end when it is there', () => {
    expect(formatResult({ message: 'no suffix here', severity: 'error', tags: { rule: 'block-size-mismatch' } })).toBe('pd-disagg: error: no suffix here');
    expect(formatResult(withRuleId({ message: 'short', severity: 'warning', tags: { rule: 'x' } }))).toBe('pd-disagg: warning: short [rule x]');
  });

  it('the ConfigMap key rules switches a rule the way spec.rules does', () => {
    const base = readFileSync('testdata/configmap-config/input.yaml', 'utf8');
    const before = run(base);
    expect(before.stdout).toContain('[rule block-size-implicit]');
    const off = run(base.replace(/(\n(\s+)decider: always\n)/, '$1$2rules: block-size-implicit=off\n'));
    expect(off.stderr).toBe('');
    expect(off.exitCode).toBe(0);
    const rulesOf = (stdout: string) => (parse(stdout) as { results: Result[] }).results.map((r) => r.tags?.rule);
    expect(rulesOf(before.stdout)).toContain('block-size-implicit');
    expect(rulesOf(off.stdout)).not.toContain('block-size-implicit');
    expect(off.stdout).not.toContain('[rule block-size-implicit]');
    const error = run(base.replace(/(\n(\s+)decider: always\n)/, '$1$2rules: block-size-implicit=error\n'));
    expect(error.exitCode).toBe(1);
    expect(error.stderr).toMatch(/^pd-disagg: error: Deployment\/llama-p .* \[rule block-size-implicit\]$/m);
  });
});
