// The rule registry: every P/D check is one entry with an id, a default severity, the field it points at and how to
// fix it. Rules are grouped by what they look at (scope); the pipeline runs each scope's rules against its context and
// turns findings into results. The config can switch a rule off or change its severity (spec.rules).

import type { Finding, Result, RuleOverrides, Severity } from '../types.js';

export type { Finding, RuleOverrides } from '../types.js';

export type RuleScope = 'pair' | 'epp-config';

export interface Rule<Ctx> {
  /** stable kebab-case id, used in spec.rules and docs/rules.md */
  id: string;
  scope: RuleScope;
  severity: Severity;
  /** one line: what is wrong */
  summary: string;
  /** one line: how to fix it */
  fix: string;
  /** the field the rule points at, for the docs */
  field: string;
  /** engine fields (EngineModel keys, `sglang.mode`, ...) the rule reads: when one of them is only known at run time
   * on either side, the rule does not run and says it could not check instead */
  needs?: readonly string[];
  /** the engine kinds the rule looks at (all when unset): it cannot miss a value of an engine it ignores */
  engines?: readonly string[];
  check(ctx: Ctx): Finding[];
}

export function defineRule<Ctx>(rule: Rule<Ctx>): Rule<Ctx> {
  return rule;
}

/** Run `rules` against `ctx`, applying the user's overrides, and return spec-shaped results tagged with the rule id. */
/** `cannotCheck`: for a rule whose `needs` cannot be met, the finding that says so (reported as a warning). */
export function runRules<Ctx>(
  rules: readonly Rule<Ctx>[],
  ctx: Ctx,
  overrides: RuleOverrides = {},
  cannotCheck?: (rule: Rule<Ctx>) => Finding | undefined,
): Result[] {
  const results: Result[] = [];
  for (const rule of rules) {
    const override = overrides[rule.id];
    if (override === 'off') continue;
    const severity = override ?? rule.severity;
    const skipped = rule.needs && cannotCheck ? cannotCheck(rule) : undefined;
    if (skipped) {
      results.push(toResult(rule.id, 'warning', skipped));
      continue;
    }
    for (const finding of rule.check(ctx)) results.push(toResult(rule.id, severity, finding));
  }
  return results;
}

export function toResult(ruleId: string, severity: Severity, finding: Finding): Result {
  const result: Result = { message: finding.message, severity };
  if (finding.resource) result.resourceRef = finding.resource;
  if (finding.path && finding.resource) {
    result.field = { path: finding.path };
    if (finding.currentValue !== undefined) result.field.currentValue = finding.currentValue;
    if (finding.proposedValue !== undefined) result.field.proposedValue = finding.proposedValue;
  }
  result.tags = { rule: ruleId };
  return result;
}
