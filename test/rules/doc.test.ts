// docs/rules.md is generated from the registry: it must list every rule with its current severity, and every rule
// must have a reason in scripts/rules-doc.ts.
import { describe, expect, it } from 'vitest';
import { RULE_WHY, renderRulesDoc } from '../../scripts/rules-doc.js';
import { ALL_RULES, RULES } from '../../src/validate/rules/index.js';
import { read } from '../helpers.js';

describe('docs/rules.md', () => {
  const doc = read('docs/rules.md');

  it('is what scripts/gen-rules-doc.mjs generates from the registry (run it after changing a rule)', () => {
    expect(doc).toBe(renderRulesDoc());
  });

  it('lists every rule of both scopes with its default severity', () => {
    expect(RULES.pair.length).toBeGreaterThan(30);
    expect(RULES['epp-config'].length).toBeGreaterThan(10);
    for (const r of ALL_RULES) {
      expect(doc, r.id).toContain(`| [\`${r.id}\`](#${r.id}) | ${r.severity} |`);
      expect(doc, r.id).toContain(`### ${r.id}\n`);
    }
  });

  it('gives a reason for every rule and none for rules that do not exist', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    expect(ids.size).toBe(ALL_RULES.length);
    expect(ALL_RULES.map((r) => r.id).filter((id) => !RULE_WHY[id])).toEqual([]);
    expect(Object.keys(RULE_WHY).filter((id) => !ids.has(id))).toEqual([]);
  });
});
