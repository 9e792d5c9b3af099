// docs/rules.md is generated from the registry: it must list every rule with its current severity, and every rule
// must have a reason in scripts/rules-doc.ts.
// The registry is imported inside each test, not at collection: a rule table that cannot load (a rule without an id,
// an id missing from the EPP-config report order, an emptied topic list) then fails these tests. A module that throws
// while a test file is collected fails that file without failing a test, which a mutation run reads as "survived".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const registry = async () => ({ ...(await import('../../scripts/rules-doc.js')), ...(await import('../../src/validate/rules/index.js')) });

describe('docs/rules.md', () => {
  const doc = readFileSync('docs/rules.md', 'utf8');

  it('is what scripts/gen-rules-doc.mjs generates from the registry (run it after changing a rule)', async () => {
    const { renderRulesDoc } = await registry();
    expect(doc).toBe(renderRulesDoc());
  });

  it('lists every rule of both scopes with its default severity', async () => {
    const { ALL_RULES, RULES } = await registry();
    expect(RULES.pair.length).toBeGreaterThan(30);
    expect(RULES['epp-config'].length).toBeGreaterThan(10);
    for (const r of ALL_RULES) {
      expect(doc, r.id).toContain(`| [\`${r.id}\`](#${r.id}) | ${r.severity} |`);
      expect(doc, r.id).toContain(`### ${r.id}\n`);
    }
  });

  it('gives a reason for every rule and none for rules that do not exist', async () => {
    const { ALL_RULES, RULE_WHY } = await registry();
    const ids = new Set(ALL_RULES.map((r) => r.id));
    expect(ids.size).toBe(ALL_RULES.length);
    expect(ALL_RULES.map((r) => r.id).filter((id) => !RULE_WHY[id])).toEqual([]);
    expect(Object.keys(RULE_WHY).filter((id) => !ids.has(id))).toEqual([]);
  });
});
