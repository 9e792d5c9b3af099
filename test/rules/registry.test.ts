// The registry's contract with the user: spec.rules switches a rule off or changes its severity, a rule whose input is
// only known at run time says so as a warning instead of running, and every finding becomes a kpt result carrying the
// rule id, the resource and, only with a resource, the field with its current and proposed values.
import { describe, expect, it } from 'vitest';
import { defineRule, runRules, toResult, type Finding, type Rule } from '../../src/validate/registry.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: 'llm-d' };

/** a rule that reports `out` (the context is a list of findings) */
const rule = (id: string, o: Partial<Rule<Finding[]>> = {}): Rule<Finding[]> =>
  defineRule<Finding[]>({ id, scope: 'pair', severity: 'error', summary: `${id} summary`, fix: 'fix it', field: 'f', check: (ctx) => ctx, ...o });

describe('runRules', () => {
  const found: Finding[] = [{ message: 'one', resource: ref, path: 'spec.x' }, { message: 'two' }];

  it('reports every finding of every rule, in rule order, with the rule id and default severity', () => {
    const results = runRules([rule('a'), rule('b', { severity: 'warning' })], found);
    expect(results.map((r) => [r.tags?.rule, r.severity, r.message])).toEqual([
      ['a', 'error', 'one'],
      ['a', 'error', 'two'],
      ['b', 'warning', 'one'],
      ['b', 'warning', 'two'],
    ]);
  });

  it('an override switches a rule off or sets its severity; other rules keep theirs', () => {
    const results = runRules([rule('a'), rule('b'), rule('c')], found, { a: 'off', b: 'info' });
    expect(results.map((r) => [r.tags?.rule, r.severity])).toEqual([
      ['b', 'info'],
      ['b', 'info'],
      ['c', 'error'],
      ['c', 'error'],
    ]);
  });

  it('a rule with needs that cannot be met does not run and reports one warning, whatever its severity override', () => {
    const skipped: Finding = { message: 'could not check a', resource: ref, path: 'spec.y' };
    const seen: string[] = [];
    const cannot = (r: Rule<Finding[]>) => (seen.push(r.id), r.id === 'a' ? skipped : undefined);
    const results = runRules([rule('a', { needs: ['port'] }), rule('b', { needs: ['port'] }), rule('c')], found, { a: 'info' }, cannot);
    expect(results.map((r) => [r.tags?.rule, r.severity, r.message])).toEqual([
      ['a', 'warning', 'could not check a'],
      ['b', 'error', 'one'],
      ['b', 'error', 'two'],
      ['c', 'error', 'one'],
      ['c', 'error', 'two'],
    ]);
    // only rules that need a value are asked about, and a rule switched off is not asked at all
    expect(seen).toEqual(['a', 'b']);
    expect(runRules([rule('a', { needs: ['port'] })], found, { a: 'off' }, cannot)).toEqual([]);
  });

  it('without a cannotCheck the rules with needs run', () => {
    expect(runRules([rule('a', { needs: ['port'] })], found)).toHaveLength(2);
  });
});

describe('toResult', () => {
  it('a finding on a field: resource, path, and the values that are set, falsy ones included', () => {
    expect(toResult('r', 'warning', { message: 'm', resource: ref, path: 'spec.replicas', currentValue: 0, proposedValue: '' })).toStrictEqual({
      message: 'm',
      severity: 'warning',
      resourceRef: ref,
      field: { path: 'spec.replicas', currentValue: 0, proposedValue: '' },
      tags: { rule: 'r' },
    });
    expect(toResult('r', 'error', { message: 'm', resource: ref, path: 'spec.x', currentValue: false })).toStrictEqual({
      message: 'm',
      severity: 'error',
      resourceRef: ref,
      field: { path: 'spec.x', currentValue: false },
      tags: { rule: 'r' },
    });
    expect(toResult('r', 'error', { message: 'm', resource: ref, path: 'spec.x', proposedValue: 3 })).toStrictEqual({
      message: 'm',
      severity: 'error',
      resourceRef: ref,
      field: { path: 'spec.x', proposedValue: 3 },
      tags: { rule: 'r' },
    });
  });

  it('no field without a resource (a path alone points nowhere), and none without a path', () => {
    expect(toResult('r', 'info', { message: 'm', path: 'spec.x', currentValue: 1 })).toStrictEqual({ message: 'm', severity: 'info', tags: { rule: 'r' } });
    expect(toResult('r', 'info', { message: 'm', resource: ref, currentValue: 1 })).toStrictEqual({ message: 'm', severity: 'info', resourceRef: ref, tags: { rule: 'r' } });
  });
});
