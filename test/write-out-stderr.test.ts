// The human text on stderr (src/write/stderr.ts): one line per result, `pd-disagg: <severity>: <where>: <message>`,
// the rule id last. kustomize and Argo CD show a function's users nothing else.
import { describe, expect, it } from 'vitest';
import { formatResult, formatResults, withRuleId } from '../src/write/stderr.js';
import type { Result } from '../src/types.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'qwen-decode' };

describe('stderr lines', () => {
  it('name the resource, its namespace when it has one, and the field, before the message', () => {
    const r: Result = { message: 'too small', severity: 'error' };
    expect(formatResult(r)).toBe('pd-disagg: error: too small');
    expect(formatResult({ ...r, resourceRef: ref })).toBe('pd-disagg: error: Deployment/qwen-decode: too small');
    expect(formatResult({ ...r, resourceRef: { ...ref, namespace: 'llm' } })).toBe('pd-disagg: error: Deployment/llm/qwen-decode: too small');
    expect(formatResult({ ...r, severity: 'warning', resourceRef: { ...ref, namespace: 'llm' }, field: { path: 'spec.replicas' } })).toBe(
      'pd-disagg: warning: Deployment/llm/qwen-decode spec.replicas: too small',
    );
    // a field without a resource says nothing of where
    expect(formatResult({ ...r, field: { path: 'spec.replicas' } })).toBe('pd-disagg: error: too small');
  });

  it('are one per result, each ending in a line break, in order', () => {
    const rs: Result[] = [
      { message: 'one', severity: 'error' },
      { message: 'two', severity: 'info', tags: { rule: 'x' } },
    ];
    expect(formatResults(rs)).toBe('pd-disagg: error: one\npd-disagg: info: two\n');
    expect(formatResults(rs.map(withRuleId))).toBe('pd-disagg: error: one\npd-disagg: info: two [rule x]\n');
    expect(formatResults([])).toBe('');
  });

  it('print a message of up to 2000 characters whole, and shorten a longer one, keeping the rule id', () => {
    const at = 'x'.repeat(2000);
    expect(formatResult({ message: at, severity: 'error' })).toBe(`pd-disagg: error: ${at}`);
    expect(formatResult({ message: `${at}y`, severity: 'error' })).toBe(`pd-disagg: error: ${at}… (1 more characters)`);
    expect(formatResult(withRuleId({ message: `${at}yz`, severity: 'error', tags: { rule: 'r' } }))).toBe(`pd-disagg: error: ${at}… (2 more characters) [rule r]`);
    // the rule id does not count: the message itself is 2000 characters
    expect(formatResult(withRuleId({ message: at, severity: 'error', tags: { rule: 'r' } }))).toBe(`pd-disagg: error: ${at} [rule r]`);
  });
});

describe('withRuleId', () => {
  it('adds the rule id once, and leaves a result without one as it is', () => {
    const r: Result = { message: 'bad', severity: 'error', tags: { rule: 'r' } };
    const once = withRuleId(r);
    expect(once.message).toBe('bad [rule r]');
    expect(r.message).toBe('bad');
    expect(withRuleId(once)).toBe(once);
    const plain: Result = { message: 'bad', severity: 'error', tags: {} };
    expect(withRuleId(plain)).toBe(plain);
    expect(withRuleId({ message: 'bad', severity: 'error', tags: { rule: '' } }).message).toBe('bad');
  });
});
