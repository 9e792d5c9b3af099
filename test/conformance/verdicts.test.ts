// Replay of the real router's verdicts (recorded by npm run conformance from the router's own Go code, see
// test/conformance/README.md): pd-disagg's generated configs must load and route as intended, and the epp-config
// linter must agree with the router on every corpus config. Holds without Go or the module proxy.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { eppConfigYaml } from '../../src/plan/epp-text.js';
import { isRouterVersion, ROUTER_VERSIONS, type EppKnobs, type RouterVersion } from '../../src/router/index.js';
import {
  caseIds,
  confusion,
  DATA_DIR,
  disaggregated,
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

/** The EPP configs of the pipeline goldens: version -> dir -> text */
function goldenConfigs(): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const dir of readdirSync(join(ROOT, 'testdata'))) {
    const f = join(ROOT, 'testdata', dir, 'expected.yaml');
    if (!existsSync(f)) continue;
    const walk = (o: unknown): void => {
      if (!o || typeof o !== 'object') return;
      const obj = o as Record<string, unknown>;
      if (obj.kind === 'ConfigMap' && obj.data && typeof obj.data === 'object') {
        for (const text of Object.values(obj.data as Record<string, unknown>)) {
          const m = /Same shape as llm-d-router (v[\d.]+) /.exec(String(text));
          if (m && /kind: EndpointPickerConfig/.test(String(text))) (out[m[1]] ??= {})[dir] = String(text);
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
    // gen-*: the knob matrix; dset-*: a DisaggregatedSet pair (rollout screener, v0.10.0+)
    for (const id of ids.filter((i) => i.startsWith('gen-') || i.startsWith('dset-'))) {
      const text = readCase(version, id);
      const k = knobsOf(text);
      expect(k, id).toBeDefined();
      const body = text.split('\n').filter((l) => !/^# pdconf[-:]/.test(l)).join('\n');
      expect(body, `${id} is stale: re-run scripts/conformance-corpus.mjs and npm run conformance -- --update`).toBe(eppConfigYaml(version as RouterVersion, k!.knobs));
      const v = file.verdicts[id];
      expect(v.loaded, `${id}: ${v.error}`).toBe(true);
      expect(disaggregated(v.long), `${id}: the ~600-token prompt must take the prefill hop`).toBe(true);
      expect(disaggregated(v.hi), `${id}: "hi" ${k!.expect === 'both' ? 'must' : 'must not'} take the prefill hop`).toBe(k!.expect === 'both');
      generated++;
    }
    expect(generated).toBeGreaterThanOrEqual(20);
  });

  it('every EPP config in the pipeline goldens is in the corpus, loads and disaggregates the long prompt', () => {
    const goldens = goldenConfigs()[version] ?? {};
    for (const [dir, text] of Object.entries(goldens)) {
      const id = `golden-${dir}`;
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
      expect(isRouterVersion(version)).toBe(true);
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
