// Replay of the real router's verdicts (recorded by npm run conformance from the router's own Go code, see
// test/conformance/README.md): pd-disagg's generated configs must load and route as intended, and the epp-config
// linter must agree with the router on every corpus config. Holds without Go or the module proxy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eppConfigYaml } from '../../src/plan/epp-text.js';
import { ROUTER_VERSIONS, type EppKnobs, type RouterVersion } from '../../src/router/index.js';
import {
  caseIds,
  confusion,
  DATA_DIR,
  disaggregated,
  encoded,
  formatConfusion,
  keptDisagreements,
  lint,
  readCase,
  readVerdicts,
  readSidecarCases,
  readSidecarVerdicts,
  routerAccepts,
  sidecarLint,
  versionsWithData,
} from './verdicts.js';

const ROOT = join(DATA_DIR, '../..');

function knobsOf(text: string): { knobs: EppKnobs; expect: string } | undefined {
  const k = /^# pdconf-knobs: (.*)$/m.exec(text);
  const e = /^# pdconf-expect: disaggregates (.*)$/m.exec(text);
  return k && e ? { knobs: JSON.parse(k[1]) as EppKnobs, expect: e[1] } : undefined;
}

/** The EPP configs of the pipeline goldens (testdata/<dir>) and the DisaggregatedSet goldens (test/dset/<dir>):
 * version -> corpus id -> text */
function goldenConfigs(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const dirs = [
    ...readdirSync(join(ROOT, 'testdata')).map((dir) => ({ rel: join('testdata', dir), id: `golden-${dir}` })),
    ...readdirSync(join(ROOT, 'test/dset')).map((dir) => ({ rel: join('test/dset', dir), id: `golden-dset-${dir}` })),
  ];
  for (const { rel, id } of dirs) {
    const f = join(ROOT, rel, 'expected.yaml');
    if (!existsSync(f)) continue;
    const walk = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      const obj = o as Record<string, unknown>;
      if (obj.kind === 'ConfigMap' && obj.data && typeof obj.data === 'object') {
        for (const text of Object.values(obj.data as Record<string, unknown>)) {
          const m = /Same shape as llm-d-router (v[\d.]+) /.exec(String(text));
          if (m && /kind: EndpointPickerConfig/.test(String(text))) (out[m[1]] ??= {})[id] = String(text);
        }
      }
      for (const v of Object.values(obj)) walk(v);
    };
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) walk(doc.toJS());
  }
  return out;
}

describe.each(versionsWithData().map((v) => [v]))('router %s, recorded verdicts', (version) => {
  const file = readVerdicts(version);
  const ids = caseIds(version);

  it('has a recorded verdict for every corpus config, from the router tag itself', () => {
    expect(ids.length).toBeGreaterThan(100);
    expect(Object.keys(file.verdicts).sort()).toEqual(ids);
    expect(file.version).toBe(version);
    expect(Object.values(file.source).map((s) => s.version)).toContain(version);
  });

  it('every generated config is what pd-disagg generates today, loads, and routes as its decider says', () => {
    let generated = 0;
    // gen-*: the knob matrix; epd-*: E/P/D; dset-*: a DisaggregatedSet pair or trio (rollout screener, v0.10.0+)
    for (const id of ids.filter((i) => i.startsWith('gen-') || i.startsWith('epd-') || i.startsWith('dset-'))) {
      const text = readCase(version, id);
      const k = knobsOf(text);
      expect(k, id).toBeDefined();
      const body = text.split('\n').filter((l) => !/^# pdconf[-:]/.test(l)).join('\n');
      expect(body, `${id} is stale: re-run scripts/conformance-corpus.mjs and npm run conformance -- --update`).toBe(eppConfigYaml(version as RouterVersion, k!.knobs));
      const v = file.verdicts[id];
      expect(v.loaded, `${id}: ${v.error}`).toBe(true);
      expect(disaggregated(v.long), `${id}: the ~600-token prompt must take the prefill hop`).toBe(true);
      expect(disaggregated(v.hi), `${id}: "hi" ${k!.expect === 'both' ? 'must' : 'must not'} take the prefill hop`).toBe(k!.expect === 'both');
      // E/P/D: the harness's pool has an encode pod and it sends an image: only the image takes the encode hop
      expect(v.image !== undefined, `${id}: an image request is sent exactly when the config has an encode stage`).toBe(!!k!.knobs.encode);
      if (k!.knobs.encode) {
        expect(encoded(v.image), `${id}: the image must be sent to the encode pod (${JSON.stringify(v.image)})`).toBe(true);
        expect(disaggregated(v.image), `${id}: and then through prefill to decode`).toBe(true);
        for (const p of [v.long, v.hi]) expect(encoded(p) || /encode=/.test(p?.picked ?? ''), `${id}: text never runs the encode profile`).toBe(false);
      }
      generated++;
    }
    expect(generated).toBeGreaterThanOrEqual(20);
  });

  it('pd-disagg\'s E/P/D configs take the encode hop for an image, with the real encode decider of this version', () => {
    const epd = ids.filter((i) => i.startsWith('epd-') || (i.startsWith('golden-') && /^# E\/P\/D: /m.test(readCase(version, i))));
    expect(epd.length, 'every version has pd-disagg E/P/D configs in the corpus').toBeGreaterThanOrEqual(2);
    for (const id of epd) {
      const v = file.verdicts[id];
      expect(v.image?.picked, id).toMatch(/^decode=decode-0 encode=encode-0 prefill=prefill-0$/);
      expect(routerAccepts(v), id).toBe(true);
    }
  });

  it('a DisaggregatedSet config never pairs prefill and decode of different revisions where it has the rollout screener gating revisions, and does without it (dset-rollout-unscreened) or with mode disabled', () => {
    const rollouts = ids.filter((i) => /^# pdconf: rollout$/m.test(readCase(version, i)));
    if (version === 'v0.8.0') expect(rollouts).toEqual([]);
    else expect(rollouts.length, 'v0.9.0 has the DisaggregatedSet golden, v0.10.0 the screened configs').toBeGreaterThanOrEqual(1);
    for (const id of rollouts) {
      const v = file.verdicts[id];
      const text = readCase(version, id);
      if (!v.loaded) {
        // a screener its own check refuses (mut-dset-gating-*, rule dset-screener-config): no pool gets an EPP at all
        expect([v.stage, v.rollout?.loaded, v.rolloutPartial?.loaded], id).toEqual(['instantiate', false, false]);
        expect(v.error, id).toMatch(/failed to create plugin 'disaggregatedset-rollout-screener'/);
        continue;
      }
      if (/type: disaggregatedset-rollout-screener/.test(text) && !/^\s+mode: disabled$/m.test(text)) {
        // E/P/D: images, and each pair names the encode pod's revision too
        const hops = v.image ? 3 : 2;
        const on = (rev: string) => Array(hops).fill(rev).join('/');
        // both revisions complete: each request stays on one, and both get traffic (sum of Ready pods, 1:1)
        expect(v.rollout, id).toEqual({ pairs: `${on('pdconf-rev-1')} ${on('pdconf-rev-2')}`, crossRevision: false });
        // the new revision without a Ready prefill pod (or, E/P/D, encode pod) gets no request at all
        expect(v.rolloutPartial, id).toEqual({ pairs: on('pdconf-rev-1'), crossRevision: false });
        expect(v.rolloutNoEncode, id).toEqual(v.image ? { pairs: on('pdconf-rev-1'), crossRevision: false } : undefined);
      } else {
        // no screener (v0.9.0), or its gating disabled (mut-dset-gating-disabled): the negative control
        expect(v.rollout?.crossRevision, `${id}: without the screener's gating the router pairs pods of different revisions`).toBe(true);
        expect(v.rolloutPartial?.crossRevision, id).toBe(true);
      }
    }
  });

  it('every EPP config in the pipeline goldens is in the corpus, loads and disaggregates the long prompt', () => {
    const goldens = goldenConfigs()[version] ?? {};
    for (const [id, text] of Object.entries(goldens)) {
      expect(ids, `${id} missing: re-run scripts/conformance-corpus.mjs`).toContain(id);
      expect(readCase(version, id).endsWith(text.endsWith('\n') ? text : `${text}\n`), `${id} is stale`).toBe(true);
      const v = file.verdicts[id];
      expect(v.loaded, `${id}: ${v.error}`).toBe(true);
      expect(disaggregated(v.long), id).toBe(true);
    }
  });

  it("pd-disagg's epp-config linter agrees with the router on every corpus config", () => {
    const c = confusion(version, file.verdicts, (id) => readCase(version, id));
    const kept = keptDisagreements()[version] ?? {};
    // a timeout is no verdict: never agreement, so it too must be kept with a reason
    const wrong = [...c.missed, ...c.falseAlarm, ...c.timeout];
    const unexplained = wrong
      .filter((id) => !kept[id])
      .map((id) => `${id}: router ${c.timeout.includes(id) ? 'TIMED OUT (no verdict)' : routerAccepts(file.verdicts[id]) ? 'accepts' : `refuses (${JSON.stringify(file.verdicts[id])})`}, linter ${JSON.stringify(lint(version, readCase(version, id)).errors)}`);
    expect(unexplained, formatConfusion(version, c)).toEqual([]);
    // a kept disagreement that is no longer one must leave the list
    expect(Object.keys(kept).filter((id) => !wrong.includes(id))).toEqual([]);
  });
});

describe('every supported router version is judged by its own code', () => {
  // adding a version to ROUTER_VERSIONS without its harness and recorded verdicts must fail here, saying what to do
  const how = (v: string) =>
    `record them: npm run conformance -- --versions ${v} --update (add --router-src ${v}=DIR, a git archive of the tag, while the Go module proxy refuses the router module; see test/conformance/README.md)`;
  it.each(ROUTER_VERSIONS.map((v) => [v]))('%s has a harness, a corpus, recorded EPP-config verdicts and recorded sidecar starts', (version) => {
    expect(existsSync(join(ROOT, 'test/conformance', version, 'go.mod')), `router ${version} has no harness: add test/conformance/${version}/ (docs/router-versions.md, "How to add a version", step 6)`).toBe(true);
    expect(existsSync(join(DATA_DIR, version)) && caseIds(version).length > 0, `router ${version} has no corpus: run node scripts/conformance-corpus.mjs --upstream ${version}=DIR ...`).toBe(true);
    expect(versionsWithData(), `router ${version} has no recorded verdicts (testdata/conformance/${version}/verdicts.json): ${how(version)}`).toContain(version);
    expect(readSidecarVerdicts(version), `router ${version} has no recorded sidecar starts (testdata/conformance/sidecar/${version}.verdicts.json): ${how(version)}`).toBeDefined();
  });
});

describe('kept disagreements', () => {
  it('name known versions and say why', () => {
    for (const [version, entries] of Object.entries(keptDisagreements())) {
      expect(ROUTER_VERSIONS).toContain(version);
      for (const reason of Object.values(entries)) expect(reason.length).toBeGreaterThan(20);
    }
  });
});

describe.each(ROUTER_VERSIONS.filter((v) => readSidecarVerdicts(v)).map((v) => [v]))('router %s routing sidecar, recorded starts', (version) => {
  const recorded = readSidecarVerdicts(version)!;
  const cases = readSidecarCases(version);

  it('has a recorded outcome for every argument list', () => {
    expect(Object.keys(recorded.verdicts).sort()).toEqual(cases.map((c) => c.id).sort());
  });

  it("the sidecar pd-disagg generates starts; pd-disagg accepts exactly the argument lists the real sidecar starts with", () => {
    for (const c of cases.filter((x) => x.id.startsWith('gen-') && !x.id.startsWith('gen-of-'))) {
      expect(recorded.verdicts[c.id]!.starts, `${c.id}: ${recorded.verdicts[c.id]!.said}`).toBe(true);
    }
    const wrong = cases
      .filter((c) => !sidecarLint(version, c.args).refuses !== recorded.verdicts[c.id]!.starts)
      .map((c) => `${c.id} (${c.args.join(' ')}): sidecar ${recorded.verdicts[c.id]!.starts ? 'starts' : `exits: ${recorded.verdicts[c.id]!.said}`}, pd-disagg ${JSON.stringify(sidecarLint(version, c.args).errors)}`);
    expect(wrong).toEqual([]);
  });
});
