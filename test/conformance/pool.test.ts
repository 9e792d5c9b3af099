// scripts/conformance-pool.mjs: the fake pool the router's harness gets is derived from the config, so the router's
// own filters and screener find the pods the config asks for (E/P/D encode pod, role names such as ctx/gen, the
// screener's scope), and a rollout config gets two-revision pools. Without Go: it tests what the harness is given.
import { describe, expect, it } from 'vitest';
import { defaultPods, isDefaultPool, rolloutVerdict, scenarios, selectorLabels } from '../../scripts/conformance-pool.mjs';
// @ts-expect-error plain ESM script without types
import { verdictOf } from '../../scripts/conformance.mjs';
import { readCase } from './verdicts.js';

interface Pod {
  name: string;
  ip: string;
  labels: Record<string, string>;
}
interface Scenario {
  scenario: string;
  pods: Pod[];
  requests: { name: string; kind: string; seed?: number }[];
  revisionKey?: string;
}
const byName = (pods: Pod[]) => Object.fromEntries(pods.map((p) => [p.name, p.labels]));

describe('the fake pool is derived from the config', () => {
  it('a plain P/D config gets the default pool (prefill-0, decode-0) and the long and hi requests', () => {
    const [s, ...more] = scenarios(readCase('v0.10.0', 'gen-prefix-b64-n32')) as Scenario[];
    expect(more).toEqual([]);
    expect(isDefaultPool(s!.pods)).toBe(true);
    expect(s!.pods.map((p) => `${p.name} ${p.ip} ${p.labels['llm-d.ai/role']}`)).toEqual(['prefill-0 10.0.0.1 prefill', 'decode-0 10.0.0.2 decode']);
    expect(s!.requests.map((r) => r.kind)).toEqual(['long', 'hi']);
  });

  it('an E/P/D config gets an encode pod and an image request', () => {
    const [s] = scenarios(readCase('v0.10.0', 'golden-epd-guide')) as Scenario[];
    expect(byName(s!.pods)['encode-0']).toMatchObject({ 'llm-d.ai/role': 'encode', app: 'pdconf-pool' });
    expect(s!.requests.map((r) => r.kind)).toEqual(['long', 'hi', 'image']);
  });

  it("a DisaggregatedSet config: the screener's scope labels and its role names (ctx/gen) in stage order", () => {
    const all = scenarios(readCase('v0.10.0', 'golden-dset-ctx-gen')) as Scenario[];
    expect(all.map((s) => s.scenario)).toEqual(['', 'rollout', 'rolloutPartial']);
    const pods = byName(all[0]!.pods);
    expect(pods['prefill-0']).toMatchObject({
      'pd-disagg.dev/pool': 'wide-ep',
      'disaggregatedset.x-k8s.io/name': 'wide-ep-llm-d',
      'leaderworkerset.sigs.k8s.io/worker-index': '0',
      'disaggregatedset.x-k8s.io/role': 'ctx',
      'disaggregatedset.x-k8s.io/revision': 'pdconf-rev-1',
      'llm-d.ai/role': 'prefill',
    });
    expect(pods['decode-0']).toMatchObject({ 'disaggregatedset.x-k8s.io/role': 'gen', 'llm-d.ai/role': 'decode' });
    // rollout: both revisions complete; partial: the second revision has only its decode pod
    expect(all[1]!.pods.map((p) => `${p.name}@${p.labels['disaggregatedset.x-k8s.io/revision']}`)).toEqual([
      'prefill-0@pdconf-rev-1',
      'decode-0@pdconf-rev-1',
      'prefill-1@pdconf-rev-2',
      'decode-1@pdconf-rev-2',
    ]);
    expect(all[2]!.pods.map((p) => p.name)).toEqual(['prefill-0', 'decode-0', 'decode-1']);
    expect(new Set(all[1]!.requests.map((r) => r.seed)).size).toBe(all[1]!.requests.length);
  });

  it('an E/P/D DisaggregatedSet: vision, ctx and gen go to the encode, prefill and decode pods; its rollouts send images', () => {
    const all = scenarios(readCase('v0.10.0', 'golden-dset-epd')) as Scenario[];
    const role = (n: string) => byName(all[0]!.pods)[n]!['disaggregatedset.x-k8s.io/role'];
    expect([role('encode-0'), role('prefill-0'), role('decode-0')]).toEqual(['vision', 'ctx', 'gen']);
    expect(all.map((s) => s.scenario)).toEqual(['', 'rollout', 'rolloutPartial', 'rolloutNoEncode']);
    expect(new Set(all[1]!.requests.map((r) => r.kind))).toEqual(new Set(['image']));
    expect(all[3]!.pods.map((p) => p.name)).toEqual(['encode-0', 'prefill-0', 'decode-0', 'prefill-1', 'decode-1']);
  });

  it("a by-label filter's label and first value go on its stage's pod", () => {
    const text = `plugins:
- {type: by-label, name: p, parameters: {label: example.com/stage, validValues: [ctx]}}
- {type: decode-filter}
- {type: disagg-profile-handler, parameters: {deciders: {prefill: x}}}
schedulingProfiles:
- {name: prefill, plugins: [{pluginRef: p}]}
- {name: decode, plugins: [{pluginRef: decode-filter}]}
`;
    const [s] = scenarios(text) as Scenario[];
    expect(byName(s!.pods)['prefill-0']!['example.com/stage']).toBe('ctx');
    expect(byName(s!.pods)['decode-0']!['example.com/stage']).toBeUndefined();
    expect(isDefaultPool(s!.pods)).toBe(false);
  });

  it('label selectors: equality, set and existence requirements give labels; exclusions none', () => {
    expect(selectorLabels('a=1,b==2, c in (x, y),d,!e,f!=3,g notin (z)')).toEqual({ a: '1', b: '2', c: 'x', d: 'true' });
  });
});

describe('verdicts from the derived pool', () => {
  it('records the pods each profile picked and whether the encode header names the encode pod', () => {
    const [s] = scenarios(readCase('v0.10.0', 'golden-epd-guide')) as Scenario[];
    const result = {
      loaded: true,
      stage: 'ready',
      prompts: {
        image: { prefill: true, decode: true, header: '10.0.0.1:8000', encodeHeader: '10.0.0.3:8000', profiles: { encode: ['encode-0'], prefill: ['prefill-0-rank-0'], decode: ['decode-0'] } },
        long: { prefill: false, decode: true, header: '', encodeHeader: '10.0.0.2:8000', profiles: { decode: ['decode-0'] } },
      },
    };
    const v = verdictOf(result, s!.pods);
    expect(v.image).toEqual({ prefill: true, decode: true, header: true, headerToPrefill: true, picked: 'decode=decode-0 encode=encode-0 prefill=prefill-0', encode: true });
    // an encode header naming a pod that is not an encode pod is no encode hop
    expect(v.long.encode).toBe(false);
    // the default pool records what it always did
    expect(verdictOf({ ...result, prompts: { long: result.prompts.long } }, defaultPods()).long).toEqual({ prefill: false, decode: true, header: false, headerToPrefill: false });
  });

  it('a rollout verdict names the revision pairs and whether any crossed', () => {
    const pods = (scenarios(readCase('v0.10.0', 'golden-dset-ctx-gen')) as Scenario[])[1]!.pods;
    const req = (prefill: string | undefined, decodeIp: string) => ({ target: `${decodeIp}:8000`, profiles: { ...(prefill ? { prefill: [prefill] } : {}), decode: ['x'] } });
    const key = 'disaggregatedset.x-k8s.io/revision';
    expect(rolloutVerdict({ prompts: { a: req('prefill-0', '10.0.0.2'), b: req('prefill-1', '10.0.0.12'), c: req(undefined, '10.0.0.2') } }, pods, key)).toEqual({
      pairs: '-/pdconf-rev-1 pdconf-rev-1/pdconf-rev-1 pdconf-rev-2/pdconf-rev-2',
      crossRevision: false,
    });
    expect(rolloutVerdict({ prompts: { a: req('prefill-1', '10.0.0.2') } }, pods, key)).toEqual({ pairs: 'pdconf-rev-2/pdconf-rev-1', crossRevision: true });
    // E/P/D: the encode pod's revision is the first of three, and counts for crossing
    const trio = (scenarios(readCase('v0.10.0', 'golden-dset-epd')) as Scenario[])[1]!.pods;
    const epd = (encode: string, prefill: string, decodeIp: string) => ({ target: `${decodeIp}:8000`, profiles: { encode: [encode], prefill: [prefill], decode: ['x'] } });
    expect(rolloutVerdict({ prompts: { a: epd('encode-0', 'prefill-0', '10.0.0.2'), b: epd('encode-1', 'prefill-1', '10.0.0.12') } }, trio, key)).toEqual({
      pairs: 'pdconf-rev-1/pdconf-rev-1/pdconf-rev-1 pdconf-rev-2/pdconf-rev-2/pdconf-rev-2',
      crossRevision: false,
    });
    expect(rolloutVerdict({ prompts: { a: epd('encode-1', 'prefill-0', '10.0.0.2') } }, trio, key).crossRevision).toBe(true);
  });
});
