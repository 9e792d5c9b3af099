// Rule dset-screener-config (src/validate/rules/screener.ts): the rollout screener's own check of revisionGating
// (llm-d-router v0.10.0 pkg/epp/framework/plugins/requestcontrol/screener/disaggregatedsetrollout/config.go Validate,
// run by plugin.go Factory at load). Every branch, with the whole finding. What the real router does with these
// configs is recorded live in the conformance corpus (testdata/conformance/v0.10.0/mut-dset-gating-*: every failing
// case stops at stage "instantiate" with the router's own words; disabled with an empty list loads), and
// test/conformance/verdicts.test.ts holds the linter to those verdicts.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildEppConfig, type RouterVersion } from '../../src/router/index.js';
import type { KObject, Result } from '../../src/types.js';
import { lintEppConfig } from '../../src/validate/validate.js';
import { gatingProblem } from '../../src/validate/rules/screener.js';
import { resourceList, runText } from '../helpers.js';

const RULE = 'dset-screener-config';
const resource = { apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-epp', namespace: 'ml' };
const origin = { path: 'data.epp-config.yaml', resource, generated: false };
const SCREENER = 'disaggregatedset-rollout-screener';

/** pd-disagg's generated DisaggregatedSet config at v0.10.0 (with the screener), its gating edited */
function config(edit: (gating: KObject, params: KObject) => void): KObject {
  const knobs = { decider: 'prefix-based' as const, nonCachedTokens: 32, blockSizeTokens: 64, rollout: { scope: { app: 'pool' }, requireRoles: ['prefill', 'decode'] } };
  const c = structuredClone(buildEppConfig('v0.10.0', knobs)) as KObject;
  const params = c.plugins.find((p: KObject) => p.type === SCREENER).parameters;
  edit(params.revisionGating, params);
  return c;
}
function lint(c: KObject, version: RouterVersion = 'v0.10.0'): Result[] {
  return lintEppConfig({ version, config: c, origin, engineBlockSize: 64, experimentalAllowed: true }).filter((r) => r.tags?.rule === RULE);
}
const generic = 'the role names your pods carry in disaggregatedset.x-k8s.io/role (or the roleLabelKey you set) for the stages';
const message = (index: number, problem: string, roles = generic, suffix = '') =>
  `plugin ${SCREENER} (plugins[${index}]): parameters.${problem}, so router v0.10.0 refuses the config at load and the EPP does not start. ` +
  `Set revisionGating.mode to sum (or max-role) with requireRoles.values listing ${roles}, each once; or mode disabled to turn revision gating off${suffix}`;
const result = (index: number, problem: string): Result => ({ message: message(index, problem), severity: 'error', resourceRef: resource, field: { path: origin.path }, tags: { rule: RULE } });

describe('gatingProblem: the checks of the screener\'s Validate on revisionGating, in its order', () => {
  it('passes what the router loads: sum and max-role with distinct named roles, disabled with anything', () => {
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: ['prefill', 'decode'] } })).toBeUndefined();
    expect(gatingProblem({ mode: 'max-role', requireRoles: { values: ['ctx'] } })).toBeUndefined();
    // disabled checks nothing more (corpus mut-dset-gating-disabled, mut-dset-gating-disabled-require-roles-empty load)
    expect(gatingProblem({ mode: 'disabled' })).toBeUndefined();
    expect(gatingProblem({ mode: 'disabled', requireRoles: { values: [] } })).toBeUndefined();
    expect(gatingProblem({ mode: 'disabled', requireRoles: 'x' })).toBeUndefined();
  });

  it('revisionGating missing (undefined or null) or not a mapping', () => {
    expect(gatingProblem(undefined)).toEqual({ at: 'revisionGating', what: 'is missing; the screener requires it' });
    expect(gatingProblem(null)).toEqual({ at: 'revisionGating', what: 'is missing; the screener requires it' });
    expect(gatingProblem('sum')).toEqual({ at: 'revisionGating', what: 'is "sum", not a mapping' });
    expect(gatingProblem(['sum'])).toEqual({ at: 'revisionGating', what: 'is ["sum"], not a mapping' });
  });

  it('a mode the router does not know, a missing mode (Go\'s "") and a non-string mode', () => {
    expect(gatingProblem({ mode: 'none', requireRoles: { values: ['a'] } })).toEqual({ at: 'revisionGating.mode', what: 'is "none"; it must be one of sum, max-role, disabled' });
    expect(gatingProblem({ requireRoles: { values: ['a'] } })).toEqual({ at: 'revisionGating.mode', what: 'is ""; it must be one of sum, max-role, disabled' });
    expect(gatingProblem({ mode: null })).toEqual({ at: 'revisionGating.mode', what: 'is ""; it must be one of sum, max-role, disabled' });
    expect(gatingProblem({ mode: 1 })).toEqual({ at: 'revisionGating.mode', what: 'is 1; it must be one of sum, max-role, disabled' });
    expect(gatingProblem({ mode: 'Sum', requireRoles: { values: ['a'] } })?.at).toBe('revisionGating.mode');
  });

  it('sum or max-role without requireRoles, or with one that is not a mapping', () => {
    for (const mode of ['sum', 'max-role']) {
      expect(gatingProblem({ mode })).toEqual({ at: 'revisionGating.requireRoles', what: `is missing; mode ${mode} requires it` });
      expect(gatingProblem({ mode, requireRoles: null })).toEqual({ at: 'revisionGating.requireRoles', what: `is missing; mode ${mode} requires it` });
    }
    expect(gatingProblem({ mode: 'sum', requireRoles: ['a'] })).toEqual({ at: 'revisionGating.requireRoles', what: 'is ["a"], not a mapping with values' });
  });

  it('requireRoles.values missing, null, empty, or not a list', () => {
    for (const rr of [{}, { values: null }, { values: [] }]) {
      expect(gatingProblem({ mode: 'max-role', requireRoles: rr })).toEqual({ at: 'revisionGating.requireRoles.values', what: 'lists no role; mode max-role needs at least one' });
    }
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: 'prefill' } })).toEqual({ at: 'revisionGating.requireRoles.values', what: 'is "prefill", not a list of role names' });
  });

  it('a role that is empty, not a string, or listed twice: the first one, by its index', () => {
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: ['prefill', ''] } })).toEqual({ at: 'revisionGating.requireRoles.values[1]', what: 'is empty' });
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: [7, 'a'] } })).toEqual({ at: 'revisionGating.requireRoles.values[0]', what: 'is 7, not a role name' });
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: ['prefill', 'decode', 'prefill'] } })).toEqual({ at: 'revisionGating.requireRoles.values[2]', what: 'repeats role "prefill"' });
    // the router's loop order: an empty role before a later duplicate is reported first
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: ['a', '', 'a'] } })?.at).toBe('revisionGating.requireRoles.values[1]');
    expect(gatingProblem({ mode: 'sum', requireRoles: { values: ['a', 'a', ''] } })?.at).toBe('revisionGating.requireRoles.values[1]');
  });
});

describe('dset-screener-config: the finding, on a config of your own', () => {
  it('pd-disagg\'s generated config passes; without requireRoles it is the whole error the user gets', () => {
    expect(lint(config(() => {}))).toEqual([]);
    expect(lint(config((g) => delete g.requireRoles))).toEqual([result(0, 'revisionGating.requireRoles is missing; mode sum requires it')]);
    expect(lint(config((g) => { g.requireRoles.values = []; }))).toEqual([result(0, 'revisionGating.requireRoles.values lists no role; mode sum needs at least one')]);
    expect(lint(config((_g, p) => delete p.revisionGating))).toEqual([result(0, 'revisionGating is missing; the screener requires it')]);
  });

  it('a screener without parameters has no revisionGating either; each screener is judged, by its own index', () => {
    const c = config(() => {});
    const good = structuredClone(c.plugins[0]);
    c.plugins.push({ type: 'queue-scorer' }, { type: SCREENER }, { ...good, name: 'second' }, { ...good, name: 'third', parameters: { ...good.parameters, revisionGating: { mode: 'sum', requireRoles: { values: ['a', 'a'] } } } });
    const n = c.plugins.length;
    expect(lint(c)).toEqual([result(n - 3, 'revisionGating is missing; the screener requires it'), result(n - 1, 'revisionGating.requireRoles.values[1] repeats role "a"')]);
  });

  it('silent where the router has no screener (v0.9.0: epp-unknown-plugin speaks there) and for a plugin of another type', () => {
    const bad = config((g) => delete g.requireRoles);
    expect(lint(bad, 'v0.9.0')).toEqual([]);
    expect(lintEppConfig({ version: 'v0.9.0', config: bad, origin }).map((r) => r.tags?.rule)).toContain('epp-unknown-plugin');
    const other = config((g) => delete g.requireRoles);
    other.plugins[0].type = 'queue-scorer';
    expect(lint(other)).toEqual([]);
  });
});

describe('dset-screener-config in a render: spec.epp.config of a DisaggregatedSet pair', () => {
  const kv = (role: string) => `--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"${role}"}`;
  const role = (name: string, args: string[]) => ({
    name,
    spec: { replicas: 1, leaderWorkerTemplate: { size: 1, workerTemplate: { metadata: { labels: { app: 'mine' } }, spec: { containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.19.1', command: ['vllm', 'serve', 'Qwen/Qwen3-0.6B'], args }] } } } },
  });
  const set = {
    apiVersion: 'disaggregatedset.x-k8s.io/v1',
    kind: 'DisaggregatedSet',
    metadata: { name: 'qwen-set' },
    spec: { roles: [role('ctx', ['--block-size=64', kv('kv_producer')]), role('gen', ['--block-size=64', kv('kv_consumer'), '--port=8200'])] },
  };
  const render = (revisionGating: unknown) => {
    const own = config((_g, p) => { p.revisionGating = revisionGating; });
    const fc = stringify({ apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', metadata: { name: 'qwen' }, spec: { epp: { config: own } } }).replace(/^/gm, '  ');
    return runText(resourceList(stringify([set]), fc));
  };

  it('mode sum without requireRoles.values: exit 1, the error names the field and the set\'s stage roles as the fix', () => {
    const out = render({ mode: 'sum', requireRoles: { values: [] } });
    expect(out.exitCode).toBe(1);
    expect(out.results.filter((r) => r.tags?.rule === RULE)).toEqual([
      {
        message: message(0, 'revisionGating.requireRoles.values lists no role; mode sum needs at least one', 'the roles of DisaggregatedSet/qwen-set that play the stages (ctx, gen)', ` [rule ${RULE}]`),
        severity: 'error',
        resourceRef: { apiVersion: 'pd-disagg.dev/v1alpha1', kind: 'PrefillDecode', name: 'qwen' },
        field: { path: 'spec.epp.config' },
        tags: { rule: RULE },
      },
    ]);
  });

  it('the same config with the set\'s roles renders without it', () => {
    const out = render({ mode: 'max-role', requireRoles: { values: ['ctx', 'gen'] } });
    expect(out.results.filter((r) => r.tags?.rule === RULE)).toEqual([]);
    expect(out.results.filter((r) => r.severity === 'error')).toEqual([]);
  });
});
