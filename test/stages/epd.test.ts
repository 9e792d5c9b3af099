// E/P/D (issue 16): the encode stage wired with the pair, checked by the rules of src/validate/rules/encode.ts, per
// router version. The base is testdata/epd-guide/input.yaml (the llm-d encode-disaggregation guide, vLLM e-p-d; its
// header cites the files); each case edits that text the way a user would get it wrong.
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { item, read, runText } from '../helpers.js';
import { run } from '../../src/run.js';
import type { KObject, Result } from '../../src/types.js';

const GUIDE = read('testdata/epd-guide/input.yaml');
const ENCODE_EC = `'{"ec_connector": "ECCPUConnector", "ec_role": "ec_producer", "ec_connector_extra_config": {"ec_cpu_bytes": 1073741824, "ec_enable_nixl": true}}'`;
const PREFILL_EC = `'{"ec_connector": "ECCPUConnector", "ec_role": "ec_consumer", "ec_connector_extra_config": {"ec_cpu_bytes": 1073741824, "ec_enable_nixl": true}}'`;

function edit(text: string, from: string, to: string): string {
  expect(text.split(from).length - 1, `exactly one "${from}" in the input`).toBe(1);
  return text.replace(from, to);
}

function withConfig(text: string, spec: string): string {
  return text.slice(0, text.indexOf('functionConfig:')) + `functionConfig:\n  apiVersion: pd-disagg.dev/v1alpha1\n  kind: PrefillDecode\n  metadata:\n    name: qwen-vl\n  spec:\n${spec}`;
}

const byRule = (results: Result[], rule: string) => results.filter((r) => r.tags?.rule === rule);

function eppConfig(items: KObject[]): KObject {
  return parse(item(items, 'ConfigMap', 'qwen-vl-epp-config').data['epp-config.yaml']);
}

function sidecarArgs(items: KObject[]): string[] {
  return item(items, 'Deployment', 'decode').spec.template.spec.initContainers[0].args;
}

describe('an E/P/D trio from the llm-d guide', () => {
  it('wires the encode engine: role and pool labels, EC side channel host and port, no sidecar; and nothing else fails', () => {
    const out = runText(GUIDE);
    expect(out.exitCode).toBe(0);
    // the guide's own kv_both is the only thing said about it
    expect(out.results.filter((r) => r.severity !== 'info').map((r) => r.tags?.rule)).toEqual(['kv-role-both', 'kv-role-both']);
    const encode = item(out.items, 'Deployment', 'encode').spec.template;
    expect(encode.metadata.labels).toMatchObject({ 'llm-d.ai/role': 'encode', 'pd-disagg.dev/pool': 'qwen-vl' });
    const c = encode.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'VLLM_EC_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
    // vLLM's own default (docs/features/ec_cpu_connector.md), set explicitly; one port for the pod, not one per rank
    expect(c.env).toContainEqual({ name: 'VLLM_EC_SIDE_CHANNEL_PORT', value: '5601' });
    expect(c.ports).toContainEqual({ name: 'ec-nixl', containerPort: 5601, protocol: 'TCP' });
    expect(c.ports.filter((p: KObject) => p.containerPort >= 5600 && p.containerPort < 5700)).toEqual([{ name: 'ec-nixl', containerPort: 5601, protocol: 'TCP' }]);
    expect(encode.spec.initContainers).toBeUndefined();
    expect(encode.spec.containers).toHaveLength(1);
    // the guide's Memory /dev/shm is kept, not doubled
    expect(encode.spec.volumes.filter((v: KObject) => v.emptyDir?.medium === 'Memory')).toHaveLength(1);
    // the pool selects all three by pd-disagg's own label
    const pool = item(out.items, 'InferencePool', 'qwen-vl');
    expect(pool.spec.selector.matchLabels).toEqual({ 'pd-disagg.dev/pool': 'qwen-vl' });
    expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
  });

  it('adds a Memory /dev/shm for ECCPUConnector when the encode pod has none', () => {
    let text = edit(GUIDE, "            volumeMounts:\n              - mountPath: /dev/shm\n                name: shm\n        volumes:\n          - name: shm\n            emptyDir:\n              medium: Memory\n              sizeLimit: 90Gi\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill", '- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill');
    text = edit(text, "        serviceAccountName: sa\n", '');
    const out = runText(text);
    expect(out.exitCode).toBe(0);
    const spec = item(out.items, 'Deployment', 'encode').spec.template.spec;
    expect(spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  });

  it.each([
    ['v0.8.0', 'ec-example'],
    ['v0.9.0', 'ec-nixl'],
    ['v0.10.0', 'ec-nixl'],
  ])('router %s: EPP config with the encode profile, filter and multimodal decider; sidecar --ec-connector=%s', (version, connector) => {
    const shared = version === 'v0.8.0';
    // v0.8.0 has no ec-nixl: the trio moves the cache through shared storage there (ECExampleConnector on one PVC)
    let text = withConfig(GUIDE, `    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: ${version}}\n`);
    if (shared) text = sharedStorage(text);
    const out = runText(text);
    expect(out.stderr).not.toMatch(/error/);
    expect(out.exitCode).toBe(0);
    const args = sidecarArgs(out.items);
    expect(args).toContain(`--ec-connector=${connector}`);
    expect(args.filter((a) => a.startsWith('--ec-connector'))).toHaveLength(1);
    const cfg = eppConfig(out.items);
    const types = (cfg.plugins as KObject[]).map((p) => p.type);
    expect(types).toContain('encode-filter');
    const handler = (cfg.plugins as KObject[]).find((p) => p.type === 'disagg-profile-handler')!;
    expect(handler.parameters.deciders).toEqual({ encode: 'always-disagg-multimodal-decider', prefill: 'prefix-based-pd-decider' });
    // built in declaration order up to v0.9.0: both deciders come before the handler that names them
    expect(types.indexOf('always-disagg-multimodal-decider')).toBeLessThan(types.indexOf('disagg-profile-handler'));
    expect(types.indexOf('prefix-based-pd-decider')).toBeLessThan(types.indexOf('disagg-profile-handler'));
    // v0.8.0's profile handler does not set the encoder/prefiller headers itself
    expect(types.includes('disagg-headers-handler')).toBe(version === 'v0.8.0');
    const encodeProfile = (cfg.schedulingProfiles as KObject[]).find((p) => p.name === 'encode')!;
    expect(encodeProfile.plugins.map((p: KObject) => p.pluginRef)).toEqual(['encode-filter', 'max-score-picker', 'queue-scorer']);
    expect((cfg.schedulingProfiles as KObject[]).map((p) => p.name)).toEqual(['encode', 'prefill', 'decode']);
    // the project's linter has nothing to say about the generated config
    expect(out.results.filter((r) => r.resourceRef?.kind === 'ConfigMap' && r.severity !== 'info')).toEqual([]);
  });

  it('a multimodal pair without an encode workload is a pair: no encode profile, no --ec-connector', () => {
    const pairOnly = GUIDE.slice(0, GUIDE.indexOf('- apiVersion: apps/v1')) + GUIDE.slice(GUIDE.indexOf('- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill'));
    const out = runText(withConfig(pairOnly, '    prefill: {name: prefill}\n    decode: {name: decode}\n'));
    expect(out.exitCode).toBe(0);
    expect(sidecarArgs(out.items).join(' ')).not.toContain('ec-connector');
    expect(JSON.stringify(eppConfig(out.items))).not.toMatch(/encode|multimodal/);
    expect(out.results.some((r) => /^ec-|^encode-/.test(String(r.tags?.rule)))).toBe(false);
  });
});

describe('a user-owned EPP config of a trio (spec.epp.config): rule epp-encode-stage and the encode decider references', () => {
  /** The trio rendered at `version` with `config` as the user's own EPP config (v0.8.0 on shared storage, as above). */
  const renderOwn = (version: string, config: KObject | undefined, encode = true) => {
    let text = GUIDE;
    if (!encode) text = GUIDE.slice(0, GUIDE.indexOf('- apiVersion: apps/v1')) + GUIDE.slice(GUIDE.indexOf('- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill'));
    text = withConfig(text, `    prefill: {name: prefill}\n    decode: {name: decode}\n${encode ? '    encode: {name: encode}\n' : ''}    epp: {version: ${version}${config ? `, config: ${JSON.stringify(config)}` : ''}}\n`);
    return runText(version === 'v0.8.0' && encode ? sharedStorage(text) : text);
  };
  /** The config pd-disagg generates for the trio at `version`: the starting point a user copies. */
  const generated = (version: string): KObject => eppConfig(renderOwn(version, undefined).items);
  const handlerOf = (cfg: KObject) => (cfg.plugins as KObject[]).find((p) => p.type === 'disagg-profile-handler')!;
  const stage = (out: ReturnType<typeof runText>) => byRule(out.results, 'epp-encode-stage');

  it.each(['v0.8.0', 'v0.9.0', 'v0.10.0'])('router %s: the generated trio config, as the user\'s own, passes; each part taken out is an error on spec.epp.config', (version) => {
    const base = generated(version);
    const ok = renderOwn(version, base);
    expect(ok.exitCode).toBe(0);
    expect(stage(ok)).toEqual([]);
    // no deciders.encode: the EPP turns the encode stage off
    const noDecider = structuredClone(base);
    delete handlerOf(noDecider).parameters.deciders.encode;
    let out = renderOwn(version, noDecider);
    expect(out.exitCode).toBe(1);
    expect(stage(out)).toHaveLength(1);
    expect(stage(out)[0]).toMatchObject({ severity: 'error', resourceRef: { kind: 'PrefillDecode', name: 'qwen-vl' }, field: { path: 'spec.epp.config', proposedValue: 'always-disagg-multimodal-decider' } });
    expect(stage(out)[0]!.message).toContain('"No deciders.encode configured, E disaggregation disabled"');
    // no encode profile: the stage is skipped
    const noProfile = structuredClone(base);
    noProfile.schedulingProfiles = (noProfile.schedulingProfiles as KObject[]).filter((p) => p.name !== 'encode');
    out = renderOwn(version, noProfile);
    expect(stage(out).map((r) => r.message)).toEqual([expect.stringContaining('runs the encode stage as scheduling profile "encode", which schedulingProfiles does not define')]);
    // an encode profile with no encode filter picks among every pod
    const noFilter = structuredClone(base);
    const encodeProfile = (noFilter.schedulingProfiles as KObject[]).find((p) => p.name === 'encode')!;
    encodeProfile.plugins = (encodeProfile.plugins as KObject[]).filter((r) => r.pluginRef !== 'encode-filter');
    out = renderOwn(version, noFilter);
    expect(stage(out).map((r) => [r.severity, r.field?.proposedValue])).toEqual([['error', 'encode-filter']]);
    // the profile handler's profiles.encode renames the stage: the profile of that name is the one read
    const renamed = structuredClone(base);
    handlerOf(renamed).parameters.profiles = { encode: 'vision' };
    out = renderOwn(version, renamed);
    expect(stage(out).map((r) => r.message)).toEqual(
      version === 'v0.8.0'
        ? [expect.stringContaining('profile "vision"'), expect.stringContaining('sets x-encoder-hosts-ports from the pick of profile "encode" (its encodeProfile), but plugin disagg-profile-handler runs the encode stage as "vision"')]
        : [expect.stringContaining('profile "vision"')],
    );
  });

  it('the encode decider must be declared, and declared before the handler where plugins are built in order (v0.8.0, v0.9.0)', () => {
    for (const version of ['v0.9.0', 'v0.10.0']) {
      const undeclared = structuredClone(generated(version));
      undeclared.plugins = (undeclared.plugins as KObject[]).filter((p) => p.type !== 'always-disagg-multimodal-decider');
      const out = renderOwn(version, undeclared);
      expect(out.exitCode).toBe(1);
      expect(byRule(out.results, 'epp-missing-plugin-ref').map((r) => r.message)).toEqual([expect.stringContaining('deciders.encode names "always-disagg-multimodal-decider", which is not declared under plugins')]);
      const late = structuredClone(generated(version));
      const plugins = late.plugins as KObject[];
      const decider = plugins.splice(plugins.findIndex((p) => p.type === 'always-disagg-multimodal-decider'), 1)[0]!;
      plugins.push(decider);
      const order = byRule(renderOwn(version, late).results, 'epp-plugin-order');
      expect(order.map((r) => r.message)).toEqual(version === 'v0.9.0' ? [expect.stringContaining('"deciders.encode plugin not found"')] : []);
    }
  });

  it('pd-profile-handler (v0.8.0) has no encode stage; a pair without an encode workload is not asked for one', () => {
    const pd = structuredClone(generated('v0.8.0'));
    const handler = handlerOf(pd);
    handler.type = 'pd-profile-handler';
    handler.parameters = { deciderPluginName: 'prefix-based-pd-decider' };
    const out = renderOwn('v0.8.0', pd);
    expect(stage(out).map((r) => [r.field?.currentValue, r.field?.proposedValue])).toEqual([['pd-profile-handler', 'disagg-profile-handler']]);
    // the P/D config of a pair: nothing about an encode stage
    const pairConfig = eppConfig(renderOwn('v0.10.0', undefined, false).items);
    const pair = renderOwn('v0.10.0', pairConfig, false);
    expect(pair.exitCode).toBe(0);
    expect(stage(pair)).toEqual([]);
  });
});

/** The trio on ECExampleConnector under /ec-cache, one ReadWriteMany claim (ec-cache-pvc, as llm-d-router
 * deploy/components/vllm-encode/pvc.yaml names it) mounted there in the encode and prefill pods. */
function sharedStorage(text: string, mountPrefill = true): string {
  const cfg = (role: string) => `'{"ec_connector": "ECExampleConnector", "ec_role": "${role}", "ec_connector_extra_config": {"shared_storage_path": "/ec-cache"}}'`;
  let t = edit(text, ENCODE_EC, cfg('ec_producer'));
  t = edit(t, PREFILL_EC, cfg('ec_consumer'));
  const mount = '              - mountPath: /dev/shm\n                name: shm\n              - mountPath: /ec-cache\n                name: ec-cache\n';
  const volume = '          - name: ec-cache\n            persistentVolumeClaim:\n              claimName: ec-cache-pvc\n';
  const parts = t.split('              - mountPath: /dev/shm\n                name: shm\n');
  // parts: before encode's mount | before prefill's | before decode's | rest
  t = parts[0] + mount + parts[1] + (mountPrefill ? mount : '              - mountPath: /dev/shm\n                name: shm\n') + parts[2] + '              - mountPath: /dev/shm\n                name: shm\n' + parts[3];
  const vols = t.split('              sizeLimit: 90Gi\n');
  return vols[0] + '              sizeLimit: 90Gi\n' + volume + vols[1] + '              sizeLimit: 90Gi\n' + (mountPrefill ? volume : '') + vols[2];
}

describe('E/P/D rules', () => {
  it('ec-role-inverted: swapped EC roles are an error on each engine, naming the swap', () => {
    let text = edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('ec_consumer', 'ec_producer').replace('1073741824', '1073741825'));
    text = edit(text, ENCODE_EC, ENCODE_EC.replace('ec_producer', 'ec_consumer'));
    const out = runText(text);
    expect(out.exitCode).toBe(1);
    const found = byRule(out.results, 'ec-role-inverted');
    expect(found.map((r) => [r.resourceRef?.name, r.field?.path, r.severity])).toEqual([
      ['encode', 'spec.template.spec.containers[0].args[10]', 'error'],
      ['prefill', 'spec.template.spec.containers[0].args[10]', 'error'],
    ]);
    expect(found[0]!.message).toContain('the encode and prefill EC roles are swapped');
    expect(found[0]!.field?.proposedValue).toBe('ec_producer');
    expect(found[1]!.field?.proposedValue).toBe('ec_consumer');
    expect(out.items).toEqual(parse(text).items);
  });

  it('ec-transfer-config-missing: a prefill without one, with the consumer config to add', () => {
    const text = edit(GUIDE, `              - "--ec-transfer-config"\n              - ${PREFILL_EC}\n`, '');
    const out = runText(text);
    const found = byRule(out.results, 'ec-transfer-config-missing');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'prefill' }, field: { path: 'spec.template.spec.containers[0].args' } });
    expect(found[0]!.field?.proposedValue).toBe(
      '--ec-transfer-config={"ec_connector":"ECCPUConnector","ec_role":"ec_consumer","ec_connector_extra_config":{"ec_cpu_bytes":1073741824,"ec_enable_nixl":true}}',
    );
    expect(found[0]!.message).toContain('runs the vision encoder itself');
  });

  it('ec-transfer-config-missing: an encoder config naming no ec_connector (or an empty one) is not copied; the proposal is the default connector', () => {
    for (const connector of ['', '"ec_connector": "", ']) {
      let text = edit(GUIDE, `              - "--ec-transfer-config"\n              - ${PREFILL_EC}\n`, '');
      text = edit(text, ENCODE_EC, `'{${connector}"ec_role": "ec_producer", "ec_connector_extra_config": {"ec_cpu_bytes": 2048}}'`);
      const found = byRule(runText(text).results, 'ec-transfer-config-missing').filter((r) => r.resourceRef?.name === 'prefill');
      expect(found).toHaveLength(1);
      expect(found[0]!.field?.proposedValue).toBe(
        '--ec-transfer-config={"ec_connector":"ECCPUConnector","ec_role":"ec_consumer","ec_connector_extra_config":{"ec_cpu_bytes":1073741824,"ec_enable_nixl":true}}',
      );
    }
  });

  it('ec-connector-mismatch: different connectors, and ECCPUConnector with NIXL on one side only', () => {
    const other = runText(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('ECCPUConnector', 'ECExampleConnector')));
    const a = byRule(other.results, 'ec-connector-mismatch');
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ resourceRef: { name: 'prefill' }, field: { currentValue: 'ECExampleConnector', proposedValue: 'ECCPUConnector' } });
    const noNixl = runText(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('"ec_enable_nixl": true', '"ec_enable_nixl": false')));
    const b = byRule(noNixl.results, 'ec-connector-mismatch');
    expect(b).toHaveLength(1);
    expect(b[0]!.resourceRef?.name).toBe('prefill');
    expect(b[0]!.message).toContain('ec_enable_nixl');
  });

  it('ec-connector-mismatch: ECExampleConnector writing under one shared_storage_path and reading under another', () => {
    const v = (t: string) => withConfig(t, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: v0.8.0}\n');
    const consumer = `'{"ec_connector": "ECExampleConnector", "ec_role": "ec_consumer", "ec_connector_extra_config": {"shared_storage_path": "/ec-cache"}}'`;
    const same = runText(v(sharedStorage(GUIDE)));
    expect(byRule(same.results, 'ec-connector-mismatch')).toEqual([]);
    const apart = runText(v(edit(sharedStorage(GUIDE), consumer, consumer.replace('/ec-cache', '/other'))));
    const found = byRule(apart.results, 'ec-connector-mismatch');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ resourceRef: { name: 'prefill' }, field: { currentValue: '/other', proposedValue: '/ec-cache' } });
  });

  it("ec-connector-mismatch: an ECExampleConnector without a shared_storage_path (or an empty one) uses vLLM's default, /tmp", () => {
    const v = (t: string) => withConfig(t, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: v0.8.0}\n');
    const producer = `'{"ec_connector": "ECExampleConnector", "ec_role": "ec_producer", "ec_connector_extra_config": {"shared_storage_path": "/ec-cache"}}'`;
    const consumer = `'{"ec_connector": "ECExampleConnector", "ec_role": "ec_consumer", "ec_connector_extra_config": {"shared_storage_path": "/ec-cache"}}'`;
    for (const unset of [`'{"ec_connector": "ECExampleConnector", "ec_role": "ec_producer"}'`, producer.replace('"/ec-cache"', '""')]) {
      const defaulted = edit(sharedStorage(GUIDE), producer, unset);
      // the producer writes under /tmp, prefill reads under /ec-cache
      const found = byRule(runText(v(defaulted)).results, 'ec-connector-mismatch');
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ resourceRef: { name: 'prefill' }, field: { currentValue: '/ec-cache', proposedValue: '/tmp' } });
      expect(found[0]!.message).toContain('writes the encoder output under /tmp on the encode engine and prefill reads it under /ec-cache');
    }
    // prefill naming /tmp itself reads where the producer writes
    const tmp = edit(edit(sharedStorage(GUIDE), producer, `'{"ec_connector": "ECExampleConnector", "ec_role": "ec_producer"}'`), consumer, consumer.replace('/ec-cache', '/tmp'));
    expect(byRule(runText(v(tmp)).results, 'ec-connector-mismatch')).toEqual([]);
  });

  it('ec-connector-local-only: ECCPUConnector without NIXL on both is an error, and no EC side channel is injected', () => {
    let text = edit(GUIDE, ENCODE_EC, ENCODE_EC.replace(', "ec_enable_nixl": true', ''));
    text = edit(text, PREFILL_EC, PREFILL_EC.replace(', "ec_enable_nixl": true', ''));
    const out = runText(text);
    expect(out.exitCode).toBe(1);
    const found = byRule(out.results, 'ec-connector-local-only');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'encode' }, field: { proposedValue: true } });
    expect(byRule(out.results, 'ec-connector-mismatch')).toEqual([]);
  });

  it('ECCPUConnector without NIXL, its rule turned off: the encode pod still gets a Memory /dev/shm (the mmap region) and no EC side channel', () => {
    let text = edit(GUIDE, "            volumeMounts:\n              - mountPath: /dev/shm\n                name: shm\n        volumes:\n          - name: shm\n            emptyDir:\n              medium: Memory\n              sizeLimit: 90Gi\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill", '- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill');
    text = edit(text, "        serviceAccountName: sa\n", '');
    text = edit(text, ENCODE_EC, ENCODE_EC.replace(', "ec_enable_nixl": true', ''));
    text = edit(text, PREFILL_EC, PREFILL_EC.replace(', "ec_enable_nixl": true', ''));
    text = withConfig(text, `    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    rules: {ec-connector-local-only: 'off'}\n`);
    const out = runText(text);
    expect(byRule(out.results, 'ec-connector-local-only')).toEqual([]);
    expect(out.exitCode).toBe(0);
    const spec = item(out.items, 'Deployment', 'encode').spec.template.spec;
    expect(spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    expect((spec.containers[0].env ?? []).map((e: KObject) => e.name)).not.toContain('VLLM_EC_SIDE_CHANNEL_PORT');
  });

  it('ec-side-channel-dp: an encoder with several local DP ranks in NIXL mode is an error (one EC port per pod: vLLM adds no rank offset)', () => {
    const dp = edit(GUIDE, '              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"', '              - "--tensor-parallel-size=2"\n              - "--data-parallel-size=2"\n              - "--trust-remote-code"');
    const out = runText(dp);
    expect(out.exitCode).toBe(1);
    const found = byRule(out.results, 'ec-side-channel-dp');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'encode' }, field: { path: 'spec.template.spec.containers[0].args[3]', currentValue: 2, proposedValue: 1 } });
    expect(found[0]!.message).toContain('VLLM_EC_SIDE_CHANNEL_PORT (5601)');
    // one rank per pod (here: rank 1 of a multi-node DP group, --data-parallel-rank) binds the port once: no error
    const ranked = edit(dp, '              - "--data-parallel-size=2"\n', '              - "--data-parallel-size=2"\n              - "--data-parallel-rank=1"\n');
    expect(byRule(runText(ranked).results, 'ec-side-channel-dp')).toEqual([]);
    // without NIXL nothing binds the side channel: ec-connector-local-only speaks, not this rule
    let local = edit(dp, ENCODE_EC, ENCODE_EC.replace(', "ec_enable_nixl": true', ''));
    local = edit(local, PREFILL_EC, PREFILL_EC.replace(', "ec_enable_nixl": true', ''));
    expect(byRule(runText(local).results, 'ec-side-channel-dp')).toEqual([]);
  });

  it('ec-connector-unknown: a connector pd-disagg does not know is a warning, and the sidecar speaks ec-example', () => {
    let text = edit(GUIDE, ENCODE_EC, `'{"ec_connector": "SHMConnector", "ec_role": "ec_producer"}'`);
    text = edit(text, PREFILL_EC, `'{"ec_connector": "SHMConnector", "ec_role": "ec_consumer"}'`);
    const out = runText(text);
    expect(out.exitCode).toBe(0);
    expect(byRule(out.results, 'ec-connector-unknown').map((r) => [r.severity, r.resourceRef?.name])).toEqual([['warning', 'encode']]);
    expect(sidecarArgs(out.items)).toContain('--ec-connector=ec-example');
    // no NIXL mode: no EC side channel on the encoder
    expect(JSON.stringify(item(out.items, 'Deployment', 'encode'))).not.toContain('VLLM_EC_SIDE_CHANNEL');
  });

  it('ec-nixl-router-version: NIXL encoder cache at v0.8.0 is an error pointing at the EC config (golden error-epd-nixl-router-v0-8)', () => {
    const out = runText(read('testdata/error-epd-nixl-router-v0-8/input.yaml'));
    expect(out.exitCode).toBe(1);
    const found = byRule(out.results, 'ec-nixl-router-version');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'encode' }, field: { path: 'spec.template.spec.containers[0].args[10]', proposedValue: 'v0.9.0' } });
  });

  it('ec-storage-not-shared: ECExampleConnector needs the same claim mounted at its path in both pods', () => {
    const v = (t: string) => withConfig(t, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: v0.8.0}\n');
    const ok = runText(v(sharedStorage(GUIDE)));
    expect(byRule(ok.results, 'ec-storage-not-shared')).toEqual([]);
    expect(ok.exitCode).toBe(0);
    const notMounted = runText(v(sharedStorage(GUIDE, false)));
    const found = byRule(notMounted.results, 'ec-storage-not-shared');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'prefill' }, field: { path: 'spec.template.spec.containers[0].volumeMounts' } });
    expect(found[0]!.message).toContain('claim ec-cache-pvc');
    expect(found[0]!.message).toContain('prefill nothing mounted there');
  });

  it('encode-off-pool-port: an encode engine on another port than the pool targets', () => {
    const out = runText(edit(GUIDE, '              - "--mm-encoder-only"\n', '              - "--mm-encoder-only"\n              - "--port=8100"\n'));
    const found = byRule(out.results, 'encode-off-pool-port');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'encode' }, field: { path: 'spec.template.spec.containers[0].args[7]', currentValue: 8100, proposedValue: 8000 } });
  });

  it('encode-model-mismatch: the encoder of another model than prefill and decode', () => {
    const out = runText(edit(GUIDE, '            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"', '            args:\n              - "Qwen/Qwen2.5-VL-7B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"'));
    const found = byRule(out.results, 'encode-model-mismatch');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'encode' }, field: { path: 'spec.template.spec.containers[0].args[0]', currentValue: 'Qwen/Qwen2.5-VL-7B-Instruct', proposedValue: 'Qwen/Qwen2.5-VL-32B-Instruct' } });
  });

  it('encode-not-encoder-only: a warning, the render goes on', () => {
    const out = runText(edit(GUIDE, '              - "--mm-encoder-only"\n', ''));
    expect(out.exitCode).toBe(0);
    expect(byRule(out.results, 'encode-not-encoder-only').map((r) => [r.severity, r.resourceRef?.name])).toEqual([['warning', 'encode']]);
  });

  it("ec-sidecar-connector: the guide's own decode sidecar (--ec-connector=ec-nixl) passes; without the flag or with ec-example it is an error", () => {
    // llm-d/llm-d .../e-p-d/base/patch-decode.yaml @ 3cc65b73: the routing-proxy args, with the v0.10.0 image
    const sidecar = (ec: string) =>
      `        initContainers:\n          - name: routing-proxy\n            image: ghcr.io/llm-d/llm-d-router-disagg-sidecar:v0.10.0\n            restartPolicy: Always\n            args:\n              - --port=8000\n              - --kv-connector=nixlv2\n${ec}              - --zap-log-level=1\n              - --secure-proxy=false\n              - --model-server-port=8200\n`;
    const decodeAt = '      spec:\n        containers:\n          - name: modelserver\n            image: ghcr.io/revit13/vllm-openai:14d40dc7d\n            command: ["vllm", "serve"]\n            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--mm-processor-cache-gb"\n              - "20"\n              - "--kv-transfer-config"\n              - \'{"kv_connector":"NixlConnector", "kv_role":"kv_both", "kv_connector_extra_config": {"kv_lease_duration": 300}}\'\n              - "--no-disable-hybrid-kv-cache-manager"\n              - "--port=8200"';
    const withSidecar = (ec: string) => edit(GUIDE, decodeAt, decodeAt.replace('      spec:\n', `      spec:\n${sidecar(ec)}`));
    const good = runText(withSidecar('              - --ec-connector=ec-nixl\n'));
    expect(good.exitCode).toBe(0);
    expect(byRule(good.results, 'ec-sidecar-connector')).toEqual([]);
    const none = byRule(runText(withSidecar('')).results, 'ec-sidecar-connector');
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ severity: 'error', resourceRef: { name: 'decode' }, field: { path: 'spec.template.spec.initContainers[0].args', proposedValue: '--ec-connector=ec-nixl' } });
    expect(none[0]!.message).toContain('skips the encode stage');
    const example = byRule(runText(withSidecar('              - --ec-connector=ec-example\n')).results, 'ec-sidecar-connector');
    expect(example[0]).toMatchObject({ field: { path: 'spec.template.spec.initContainers[0].args[2]', currentValue: 'ec-example' } });
    expect(example[0]!.message).toBe("the decode pod's routing sidecar routing-proxy has --ec-connector=ec-example, which does not speak the encode engine's EC connector; pass --ec-connector=ec-nixl [rule ec-sidecar-connector]");
    expect(none[0]!.message).toBe("the decode pod's routing sidecar routing-proxy has no --ec-connector, so it skips the encode stage and never sends an image to the encode pods; pass --ec-connector=ec-nixl [rule ec-sidecar-connector]");
    // an ec-connector the version lacks stops the sidecar itself
    const v08 = runText(withConfig(withSidecar('              - --ec-connector=ec-nixl\n'), '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: v0.8.0}\n'));
    expect(v08.exitCode).toBe(1);
    expect(byRule(v08.results, 'sidecar-flag-unknown').some((r) => r.message.includes('--ec-connector=ec-nixl'))).toBe(true);
  });

  it('rule overrides apply to the E/P/D rules like any other', () => {
    const text = withConfig(edit(GUIDE, '              - "--mm-encoder-only"\n', ''), '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    rules: {encode-not-encoder-only: "off"}\n');
    expect(byRule(runText(text).results, 'encode-not-encoder-only')).toEqual([]);
  });
});

/** One rule's findings as the user reads them: severity, resource, field path and values, and the whole message. */
function said(text: string, rule: string) {
  return byRule(runText(text).results, rule).map((r) => ({ severity: r.severity, resource: r.resourceRef?.name, path: r.field?.path, current: r.field?.currentValue, proposed: r.field?.proposedValue, message: r.message }));
}
const ARGS = 'spec.template.spec.containers[0].args';
const EC_ARG = `${ARGS}[10]`;
const NIXL_EC = '{"ec_connector":"ECCPUConnector","ec_role":"ec_producer","ec_connector_extra_config":{"ec_cpu_bytes":1073741824,"ec_enable_nixl":true}}';
const atV08 = (t: string) => withConfig(t, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    epp: {version: v0.8.0}\n');

describe('what the E/P/D rules say, word for word (each branch of each message)', () => {
  it('ec-transfer-config-missing on the encode engine: the producer config to add; a prefill reading a --config file is not judged', () => {
    expect(said(edit(GUIDE, `              - "--ec-transfer-config"\n              - ${ENCODE_EC}\n`, ''), 'ec-transfer-config-missing')).toEqual([
      {
        severity: 'error', resource: 'encode', path: ARGS, proposed: `--ec-transfer-config=${NIXL_EC}`,
        message: `the encode engine of this E/P/D trio has no --ec-transfer-config (or one without an ec_connector): it cannot hand the encoder output to anyone: every multimodal request is encoded on an encode pod for nothing and again on prefill; add --ec-transfer-config '${NIXL_EC}' [rule ec-transfer-config-missing]`,
      },
    ]);
    // the config file may hold the EC config: pd-disagg cannot read it, so it says so (parse-flag.config-file) and no more
    const file = runText(edit(GUIDE, `              - "--ec-transfer-config"\n              - ${PREFILL_EC}\n`, '              - "--config=/etc/vllm/prefill.yaml"\n'));
    expect(byRule(file.results, 'ec-transfer-config-missing')).toEqual([]);
    expect(byRule(file.results, 'parse-flag.config-file').map((r) => r.resourceRef?.name)).toEqual(['prefill']);
  });

  it('ec-role-inverted: the swap named on both engines; a prefill with no ec_role gets only its own finding', () => {
    let swapped = edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('ec_consumer', 'ec_producer').replace('1073741824', '1073741825'));
    swapped = edit(swapped, ENCODE_EC, ENCODE_EC.replace('ec_producer', 'ec_consumer'));
    expect(said(swapped, 'ec-role-inverted')).toEqual([
      {
        severity: 'error', resource: 'encode', path: EC_ARG, current: 'ec_consumer', proposed: 'ec_producer',
        message: 'the encode engine declares ec_role "ec_consumer" (the encode and prefill EC roles are swapped): a consumer only loads encoder output, it never offers its own, so prefill finds nothing and encodes every image again; set "ec_role":"ec_producer" [rule ec-role-inverted]',
      },
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, current: 'ec_producer', proposed: 'ec_consumer',
        message: 'the prefill engine declares ec_role "ec_producer" (the encode and prefill EC roles are swapped): a producer never loads encoder output from the encode pods, so it encodes every image again; set "ec_role":"ec_consumer" [rule ec-role-inverted]',
      },
    ]);
    expect(said(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('"ec_role": "ec_consumer", ', '')), 'ec-role-inverted')).toEqual([
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, current: null, proposed: 'ec_consumer',
        message: 'the prefill engine declares no ec_role: a producer never loads encoder output from the encode pods, so it encodes every image again; set "ec_role":"ec_consumer" [rule ec-role-inverted]',
      },
    ]);
    // both producers: only prefill is wrong, and nothing is swapped
    expect(said(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('ec_consumer', 'ec_producer')), 'ec-role-inverted')).toEqual([
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, current: 'ec_producer', proposed: 'ec_consumer',
        message: 'the prefill engine declares ec_role "ec_producer": a producer never loads encoder output from the encode pods, so it encodes every image again; set "ec_role":"ec_consumer" [rule ec-role-inverted]',
      },
    ]);
  });

  it('ec-connector-mismatch: another connector, NIXL off on either side (the finding sits on the side without it), another storage path', () => {
    expect(said(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('ECCPUConnector', 'ECExampleConnector')), 'ec-connector-mismatch')).toEqual([
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, current: 'ECExampleConnector', proposed: 'ECCPUConnector',
        message: 'prefill loads EC connector ECExampleConnector and the encode engine ECCPUConnector: they store and fetch the encoder output in different ways, so prefill never finds it and encodes again; use ECCPUConnector on both [rule ec-connector-mismatch]',
      },
    ]);
    expect(said(edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('"ec_enable_nixl": true', '"ec_enable_nixl": false')), 'ec-connector-mismatch')).toEqual([
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, proposed: true,
        message: 'ECCPUConnector runs with ec_enable_nixl on the encode engine and without it on the prefill engine: one side fetches over NIXL and the other only looks in its own /dev/shm region; set "ec_connector_extra_config":{"ec_enable_nixl":true} on both [rule ec-connector-mismatch]',
      },
    ]);
    expect(said(edit(GUIDE, ENCODE_EC, ENCODE_EC.replace('"ec_enable_nixl": true', '"ec_enable_nixl": false')), 'ec-connector-mismatch')).toEqual([
      {
        severity: 'error', resource: 'encode', path: EC_ARG, proposed: true,
        message: 'ECCPUConnector runs with ec_enable_nixl on the prefill engine and without it on the encode engine: one side fetches over NIXL and the other only looks in its own /dev/shm region; set "ec_connector_extra_config":{"ec_enable_nixl":true} on both [rule ec-connector-mismatch]',
      },
    ]);
    const consumer = `'{"ec_connector": "ECExampleConnector", "ec_role": "ec_consumer", "ec_connector_extra_config": {"shared_storage_path": "/ec-cache"}}'`;
    expect(said(atV08(edit(sharedStorage(GUIDE), consumer, consumer.replace('/ec-cache', '/other'))), 'ec-connector-mismatch')).toEqual([
      {
        severity: 'error', resource: 'prefill', path: EC_ARG, current: '/other', proposed: '/ec-cache',
        message: 'ECExampleConnector writes the encoder output under /ec-cache on the encode engine and prefill reads it under /other: prefill never finds it; set the same shared_storage_path on both [rule ec-connector-mismatch]',
      },
    ]);
    // shared_storage_path is ECExampleConnector's: on ECCPUConnector (NIXL on both) another path is no mismatch
    const cpuPath = edit(GUIDE, PREFILL_EC, PREFILL_EC.replace('"ec_enable_nixl": true', '"ec_enable_nixl": true, "shared_storage_path": "/other"'));
    expect(cpuPath).toContain('"shared_storage_path": "/other"');
    expect(said(cpuPath, 'ec-connector-mismatch')).toEqual([]);
  });

  it('ec-connector-local-only, ec-connector-unknown and ec-nixl-router-version', () => {
    let local = edit(GUIDE, ENCODE_EC, ENCODE_EC.replace(', "ec_enable_nixl": true', ''));
    local = edit(local, PREFILL_EC, PREFILL_EC.replace(', "ec_enable_nixl": true', ''));
    expect(said(local, 'ec-connector-local-only')).toEqual([
      {
        severity: 'error', resource: 'encode', path: EC_ARG, proposed: true,
        message: 'the encode engine runs ECCPUConnector without ec_enable_nixl, so its encoder output stays in an mmap region of its own pod\'s /dev/shm; prefill runs in other pods and never sees it (llm-d/llm-d #2535); set "ec_connector_extra_config":{"ec_enable_nixl":true} on the encode engine and prefill [rule ec-connector-local-only]',
      },
    ]);
    let unknown = edit(GUIDE, ENCODE_EC, `'{"ec_connector": "SHMConnector", "ec_role": "ec_producer"}'`);
    unknown = edit(unknown, PREFILL_EC, `'{"ec_connector": "SHMConnector", "ec_role": "ec_consumer"}'`);
    expect(said(unknown, 'ec-connector-unknown')).toEqual([
      {
        severity: 'warning', resource: 'encode', path: EC_ARG,
        message: "the encode engine's EC connector SHMConnector is not one pd-disagg knows (ECCPUConnector, ECExampleConnector): the decode sidecar gets --ec-connector=ec-example, which sends the images to the encoders and then prefill without any transfer metadata, so it works only if SHMConnector finds the output by mm_hash alone [rule ec-connector-unknown]",
      },
    ]);
    expect(said(read('testdata/error-epd-nixl-router-v0-8/input.yaml'), 'ec-nixl-router-version')).toEqual([
      {
        severity: 'error', resource: 'encode', path: EC_ARG, proposed: 'v0.9.0',
        message: "the encode engine serves its encoder output over NIXL (ECCPUConnector with ec_enable_nixl), which the decode sidecar drives with --ec-connector=ec-nixl; router v0.8.0's sidecar has only ec-example (ec-nixl exists from v0.9.0, llm-d-router #1444) and would never pass prefill the transfer metadata; raise the router version (spec.epp.version) to v0.9.0 or later, or move the cache through shared storage (ECExampleConnector on a ReadWriteMany volume both pods mount) [rule ec-nixl-router-version]",
      },
    ]);
  });

  it('ec-storage-not-shared: the side without the claim gets the finding, naming what each pod has at the path', () => {
    const tail = (name: string) => `- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: ${name}`;
    const encodeClaim = `          - name: ec-cache\n            persistentVolumeClaim:\n              claimName: ec-cache-pvc\n${tail('prefill')}`;
    const msg = (encode: string, prefill: string) =>
      `ECExampleConnector passes the encoder output as files under /ec-cache: the encode pod has ${encode} and prefill ${prefill}, so prefill never finds a file and encodes every image again; mount the same ReadWriteMany PersistentVolumeClaim at /ec-cache in both pods (the llm-d-router samples use ec-cache-pvc) [rule ec-storage-not-shared]`;
    const mounts = 'spec.template.spec.containers[0].volumeMounts';
    expect(said(atV08(sharedStorage(GUIDE, false)), 'ec-storage-not-shared')).toEqual([
      { severity: 'error', resource: 'prefill', path: mounts, message: msg('volume ec-cache (claim ec-cache-pvc)', "nothing mounted there (the container's own filesystem)") },
    ]);
    expect(said(atV08(edit(sharedStorage(GUIDE), encodeClaim, `          - name: ec-cache\n            emptyDir: {}\n${tail('prefill')}`)), 'ec-storage-not-shared')).toEqual([
      { severity: 'error', resource: 'encode', path: `${mounts}[1]`, message: msg('volume ec-cache (not a PersistentVolumeClaim)', 'volume ec-cache (claim ec-cache-pvc)') },
    ]);
    // the encode pod without the volume and its mount (the first /ec-cache mount of the text is the encode pod's)
    const ecMount = '              - mountPath: /ec-cache\n                name: ec-cache\n';
    const noEncodeVolume = edit(sharedStorage(GUIDE), encodeClaim, tail('prefill'));
    const noEncodeMount = noEncodeVolume.slice(0, noEncodeVolume.indexOf(ecMount)) + noEncodeVolume.slice(noEncodeVolume.indexOf(ecMount) + ecMount.length);
    expect(said(atV08(noEncodeMount), 'ec-storage-not-shared')).toEqual([
      { severity: 'error', resource: 'encode', path: mounts, message: msg("nothing mounted there (the container's own filesystem)", 'volume ec-cache (claim ec-cache-pvc)') },
    ]);
    expect(said(atV08(edit(sharedStorage(GUIDE), `              claimName: ec-cache-pvc\n${tail('decode')}`, `              claimName: prefill-cache\n${tail('decode')}`)), 'ec-storage-not-shared')).toEqual([
      { severity: 'error', resource: 'prefill', path: `${mounts}[1]`, message: msg('volume ec-cache (claim ec-cache-pvc)', 'volume ec-cache (claim prefill-cache)') },
    ]);
  });

  it('ec-side-channel-dp: a side-channel port the pod only knows at run time is named by its variable alone', () => {
    let dp = edit(GUIDE, '              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"', '              - "--tensor-parallel-size=2"\n              - "--data-parallel-size=4"\n              - "--trust-remote-code"');
    dp = edit(dp, '              - name: USER\n                value: llm-d\n', '              - name: USER\n                value: llm-d\n              - name: VLLM_EC_SIDE_CHANNEL_PORT\n                valueFrom:\n                  configMapKeyRef: {name: ec, key: port}\n');
    expect(said(dp, 'ec-side-channel-dp')).toEqual([
      {
        severity: 'error', resource: 'encode', path: `${ARGS}[3]`, current: 4, proposed: 1,
        message: 'the encode engine runs 4 data-parallel ranks in one pod with ECCPUConnector\'s NIXL mode: each rank\'s scheduler binds its own ZMQ side channel on VLLM_EC_SIDE_CHANNEL_PORT, with no per-rank offset (unlike the KV NixlConnector\'s port + DP rank), so every rank after the first fails to start with "Address already in use"; run one rank per encode pod (--data-parallel-size 1) and scale the encode stage with replicas [rule ec-side-channel-dp]',
      },
    ]);
  });

  it('encode-off-pool-port: an encode engine on the vLLM default port while the pool targets another', () => {
    const text = withConfig(GUIDE, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    sidecar: {port: 9000}\n');
    expect(said(text, 'encode-off-pool-port')).toEqual([
      {
        severity: 'error', resource: 'encode', path: ARGS, current: 8000, proposed: 9000,
        message: 'the encode engine listens on 8000 (the vLLM default), but the InferencePool targets 9000 on every pod and the encode pods have no sidecar to bridge it: the EPP hands the decode sidecar encode pods at 9000, where nothing answers; start it with --port=9000 [rule encode-off-pool-port]',
      },
    ]);
  });

  it('an encoder whose model, port and EC config only its launch script knows: the rules that need them say they could not check', () => {
    const from = GUIDE.slice(GUIDE.indexOf('            command: ["vllm", "serve"]\n            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"'), GUIDE.indexOf('            env:\n              - name: USER'));
    const script = `            command: ["/bin/sh", "-c"]\n            args:\n              - 'exec vllm serve "$(cat /etc/model)" --mm-encoder-only --port $(cat /etc/port) --ec-transfer-config "$(cat /etc/ec.json)"'\n`;
    const out = runText(withConfig(edit(GUIDE, from, script), '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n    sidecar: {port: 9000}\n'));
    const encode = out.results.filter((r) => r.resourceRef?.name === 'encode' && r.severity !== 'info');
    expect(encode.map((r) => [r.tags?.rule, r.severity, r.field?.path])).toEqual(
      ['ec-transfer-config-missing', 'ec-role-inverted', 'ec-connector-mismatch', 'ec-connector-local-only', 'ec-connector-unknown', 'encode-off-pool-port', 'encode-model-mismatch'].map((rule) => [rule, 'warning', `${ARGS}[0]`]),
    );
    expect(encode.every((r) => r.message.startsWith(`could not check ${r.tags?.rule} (`))).toBe(true);
    expect(encode.find((r) => r.tags?.rule === 'encode-off-pool-port')!.message).toBe(
      "could not check encode-off-pool-port (the encode engine does not serve on the port the InferencePool targets): the encode engine's --port is only known when the pod runs. Write it as a literal value (or an env value of the container) to have it checked [rule encode-off-pool-port]",
    );
    expect(encode.find((r) => r.tags?.rule === 'encode-model-mismatch')!.message).toBe(
      "could not check encode-model-mismatch (the encode engine serves a different model string than prefill and decode): the encode engine's model (the first argument) is only known when the pod runs. Write it as a literal value (or an env value of the container) to have it checked [rule encode-model-mismatch]",
    );
    expect(encode.find((r) => r.tags?.rule === 'ec-transfer-config-missing')!.message).toContain("the encode engine's --ec-transfer-config is only known when the pod runs");
  });

  it('an encoder whose port and EC config come from $(VAR)s set by valueFrom: the kubelet fills them in at start, so the rules say they could not check (no missing config, no default port assumed)', () => {
    const from = GUIDE.indexOf('            command: ["vllm", "serve"]\n            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"');
    const to = GUIDE.indexOf('            env:\n              - name: USER');
    const line = `            command: ["vllm", "serve"]\n            args: ["Qwen/Qwen2.5-VL-32B-Instruct", "--mm-encoder-only", "--port=$(ENC_PORT)", "--ec-transfer-config", "$(EC_CFG)"]\n`;
    const env = `            env:\n              - name: ENC_PORT\n                valueFrom: {configMapKeyRef: {name: encode-settings, key: port}}\n              - name: EC_CFG\n                valueFrom: {configMapKeyRef: {name: encode-settings, key: ec}}\n`;
    const text = GUIDE.slice(0, from) + line + env + GUIDE.slice(to + '            env:\n'.length);
    const out = runText(withConfig(text, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: encode}\n'));
    expect(out.exitCode).toBe(0);
    const encode = out.results.filter((r) => r.resourceRef?.name === 'encode' && r.severity !== 'info');
    expect(encode.filter((r) => r.severity === 'error')).toEqual([]);
    const cannot = encode.filter((r) => r.message.startsWith('could not check '));
    expect(cannot.map((r) => r.tags?.rule).sort()).toEqual(
      ['ec-connector-local-only', 'ec-connector-mismatch', 'ec-connector-unknown', 'ec-role-inverted', 'ec-transfer-config-missing', 'encode-off-pool-port'],
    );
    expect(cannot.find((r) => r.tags?.rule === 'encode-off-pool-port')!.message).toContain("the encode engine's --port is only known when the pod runs");
    expect(cannot.find((r) => r.tags?.rule === 'ec-transfer-config-missing')!.message).toContain("the encode engine's --ec-transfer-config is only known when the pod runs");
  });

  it('encode-model-mismatch and encode-not-encoder-only: the messages; an encoder reading a --config file is judged on neither', () => {
    const other = edit(GUIDE, '            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"', '            args:\n              - "Qwen/Qwen2.5-VL-7B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"');
    expect(said(other, 'encode-model-mismatch')).toEqual([
      {
        severity: 'error', resource: 'encode', path: `${ARGS}[0]`, current: 'Qwen/Qwen2.5-VL-7B-Instruct', proposed: 'Qwen/Qwen2.5-VL-32B-Instruct',
        message: 'the encode engine serves "Qwen/Qwen2.5-VL-7B-Instruct" and prefill "Qwen/Qwen2.5-VL-32B-Instruct": the encoder output is the vision tower\'s embedding of one model, keyed by that model\'s hash of the image, so prefill (and decode) of another model cannot use it; pass "Qwen/Qwen2.5-VL-32B-Instruct" to the encode engine too [rule encode-model-mismatch]',
      },
    ]);
    expect(said(edit(GUIDE, '              - "--mm-encoder-only"\n', ''), 'encode-not-encoder-only')).toEqual([
      {
        severity: 'warning', resource: 'encode', path: ARGS, proposed: '--mm-encoder-only',
        message: 'the encode engine runs without --mm-encoder-only, so it loads the whole language model next to the vision encoder and spends its GPU memory on a KV cache it never uses (every llm-d E/P/D sample passes it); add --mm-encoder-only [rule encode-not-encoder-only]',
      },
    ]);
    // the model and --mm-encoder-only may come from the file: neither rule guesses
    const file = runText(edit(GUIDE, '            args:\n              - "Qwen/Qwen2.5-VL-32B-Instruct"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"\n              - "--mm-processor-cache-gb"\n              - "20"\n              - "--mm-encoder-only"\n', '            args:\n              - "--config=/etc/vllm/encode.yaml"\n              - "--disable-access-log-for-endpoints=/health,/metrics,/v1/models"\n              - "--tensor-parallel-size=2"\n              - "--trust-remote-code"\n              - "--mm-processor-cache-gb"\n              - "20"\n'));
    expect(file.exitCode).toBe(0);
    expect(byRule(file.results, 'encode-model-mismatch')).toEqual([]);
    expect(byRule(file.results, 'encode-not-encoder-only')).toEqual([]);
  });
});

describe('finding the encode stage', () => {
  it('by its label when nothing is named (golden epd-guide-discovered)', () => {
    const out = runText(read('testdata/epd-guide-discovered/input.yaml'));
    expect(out.exitCode).toBe(0);
    expect(sidecarArgs(out.items)).toContain('--ec-connector=ec-nixl');
  });

  it('by ec_role ec_producer when the encode pod carries no role label', () => {
    const text = GUIDE.split('llm-d.ai/role: encode\n').join('app: vl-encoder\n');
    const out = runText(text.slice(0, text.indexOf('functionConfig:')));
    expect(out.exitCode).toBe(0);
    expect(item(out.items, 'Deployment', 'encode').spec.template.metadata.labels['llm-d.ai/role']).toBe('encode');
  });

  it('two encode candidates are an error listing both', () => {
    const encodeDoc = GUIDE.slice(GUIDE.indexOf('- apiVersion: apps/v1'), GUIDE.indexOf('- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill'));
    const twice = GUIDE.replace(encodeDoc, encodeDoc + encodeDoc.replace('    name: encode\n', '    name: encode-b\n'));
    const out = runText(twice.slice(0, twice.indexOf('functionConfig:')));
    expect(out.exitCode).toBe(1);
    const err = out.results.find((r) => r.severity === 'error')!;
    expect(err.tags?.rule).toBe('discovery');
    expect(err.message).toContain('several encode candidates: Deployment/encode (label llm-d.ai/role=encode), Deployment/encode-b (label llm-d.ai/role=encode)');
  });

  it('a workload named as both encode and prefill is an error naming the field', () => {
    const out = runText(withConfig(GUIDE, '    prefill: {name: prefill}\n    decode: {name: decode}\n    encode: {name: prefill}\n'));
    expect(out.exitCode).toBe(1);
    const err = out.results.find((r) => r.severity === 'error')!;
    expect(err).toMatchObject({ tags: { rule: 'discovery' }, field: { path: 'spec.encode' } });
    expect(err.message).toContain('named as both encode and prefill');
  });

  it('data.encode in the ConfigMap form, and a name that is not there', () => {
    const cm = (data: string) => GUIDE.slice(0, GUIDE.indexOf('functionConfig:')) + `functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: function-input}\n  data: {${data}}\n`;
    expect(runText(cm('encode: Deployment/encode, prefill: prefill, decode: decode')).exitCode).toBe(0);
    const missing = runText(cm('encode: nope, prefill: prefill, decode: decode'));
    expect(missing.exitCode).toBe(1);
    expect(missing.results.find((r) => r.severity === 'error')).toMatchObject({ field: { path: 'data.encode' } });
  });
});

describe('ownership of the encode stage', () => {
  it('a re-render of the output equals the output; removing the encode workload removes the E/P/D wiring', () => {
    const first = runText(GUIDE);
    expect(first.exitCode).toBe(0);
    const again = runText(first.stdout);
    expect(again.items).toEqual(first.items);
    // the user drops the encode Deployment and spec.encode: the re-render equals a fresh render of the pair
    const dropEncode = (list: KObject) => {
      const copy = structuredClone(list);
      copy.items = copy.items.filter((i: KObject) => !(i.kind === 'Deployment' && i.metadata.name === 'encode'));
      delete copy.functionConfig.spec.encode;
      return stringify(copy);
    };
    const rerender = runText(dropEncode(parse(first.stdout)));
    const fresh = runText(dropEncode(parse(GUIDE)));
    expect(rerender.exitCode).toBe(0);
    const strip = (items: KObject[]) =>
      items.map((i) => {
        const c = structuredClone(i);
        for (const k of ['config.kubernetes.io/path', 'config.kubernetes.io/index', 'internal.config.kubernetes.io/path', 'internal.config.kubernetes.io/index']) delete c.metadata?.annotations?.[k];
        return c;
      });
    expect(strip(rerender.items)).toEqual(strip(fresh.items));
    expect(sidecarArgs(rerender.items).join(' ')).not.toContain('ec-connector');
  });
});

describe('--explain of a trio', () => {
  it('names the encode stage in the request path, the flowchart and the reasons', () => {
    const text = run(GUIDE, { explain: 'text' });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('(all three engines)');
    expect(text.stdout).toContain('and an encode pod for a request with images, audio or video (header x-encoder-hosts-ports)');
    expect(text.stdout).toContain('first sends each image to the encode pod the EPP picked (--ec-connector=ec-nixl)');
    expect(text.stdout).toMatch(/encode Deployment encode: vLLM on port 8000, 2 replicas, TP 2\n\s+runs the vision encoder on each image; hands its output to prefill over NIXL \(ECCPUConnector, EC side channel on port 5601\)/);
    expect(text.stdout).toContain('the encoder-cache side channel prefill connects to for the encoder output');
    const mermaid = run(GUIDE, { explain: 'mermaid' });
    expect(mermaid.stdout).toContain('  sidecar -->|"0. encode hop"| encode\n');
    expect(mermaid.stdout).toContain('  encode ==>|"encoder output"| prefill\n');
  });
});

describe('what pd-disagg adds to the encode pod, next to what the user wrote', () => {
  const ENCODE_ENV = '            env:\n              - name: USER\n                value: llm-d\n            ports:\n              - name: modelserver\n                containerPort: 8000\n                protocol: TCP\n            resources:\n              limits:\n                cpu: "8"\n                memory: 128Gi\n                nvidia.com/gpu: "2"';
  const encodeOf = (text: string) => {
    const out = runText(text);
    expect(out.exitCode).toBe(0);
    return item(out.items, 'Deployment', 'encode').spec.template.spec;
  };

  it("keeps the user's EC side-channel env (no second entry) and opens the port the user's env names", () => {
    const env = ENCODE_ENV.replace(
      '                value: llm-d\n',
      '                value: llm-d\n              - name: VLLM_EC_SIDE_CHANNEL_HOST\n                valueFrom: {fieldRef: {fieldPath: status.podIP}}\n              - name: VLLM_EC_SIDE_CHANNEL_PORT\n                value: "5700"\n',
    );
    const spec = encodeOf(edit(GUIDE, ENCODE_ENV, env));
    const c = spec.containers[0];
    expect(c.env.filter((e: KObject) => e.name.startsWith('VLLM_EC_SIDE_CHANNEL'))).toEqual([
      { name: 'VLLM_EC_SIDE_CHANNEL_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'VLLM_EC_SIDE_CHANNEL_PORT', value: '5700' },
    ]);
    expect(c.ports.map((p: KObject) => p.containerPort)).toEqual([8000, 5700]);
  });

  it('an encode container that declares the EC port itself keeps its entry (no second one); one without ports gets ec-nixl', () => {
    const ports = '            ports:\n              - name: modelserver\n                containerPort: 8000\n                protocol: TCP\n';
    const declared = encodeOf(edit(GUIDE, ENCODE_ENV, ENCODE_ENV.replace(ports, `${ports}              - name: ec\n                containerPort: 5601\n`)));
    expect(declared.containers[0].ports).toEqual([
      { name: 'modelserver', containerPort: 8000, protocol: 'TCP' },
      { name: 'ec', containerPort: 5601 },
    ]);
    const none = encodeOf(edit(GUIDE, ENCODE_ENV, ENCODE_ENV.replace(ports, '')));
    expect(none.containers[0].ports).toEqual([{ name: 'ec-nixl', containerPort: 5601, protocol: 'TCP' }]);
  });

  it('an encode pod whose volume names dshm and pd-disagg-shm are taken by other volumes gets a Memory /dev/shm under a free name', () => {
    const noShm = edit(GUIDE, '            volumeMounts:\n              - mountPath: /dev/shm\n                name: shm\n        volumes:\n          - name: shm\n            emptyDir:\n              medium: Memory\n              sizeLimit: 90Gi\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill',
        '        volumes:\n          - name: dshm\n            configMap: {name: a}\n          - name: pd-disagg-shm\n            configMap: {name: b}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: prefill');
    const spec = encodeOf(noShm);
    expect(spec.volumes).toEqual([
      { name: 'dshm', configMap: { name: 'a' } },
      { name: 'pd-disagg-shm', configMap: { name: 'b' } },
      { name: 'pd-disagg-shm-2', emptyDir: { medium: 'Memory' } },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'pd-disagg-shm-2', mountPath: '/dev/shm' }]);
  });
});
