// The rule registry: every P/D check is one entry with an id, a default severity, the field it points at and how to
// fix it. Rules are grouped by what they look at (scope); the pipeline runs each scope's rules against its context and
// turns findings into results. The config can switch a rule off or change its severity (spec.rules).

import type { ResourceRef, Result, Severity } from '../types.js';

export type RuleScope = 'pair' | 'epp-config';

/** One problem a rule found. The message already says how to fix it. */
export interface Finding {
  message: string;
  resource?: ResourceRef;
  /** field path inside `resource`, kpt style: spec.template.spec.containers[0].args[3] */
  path?: string;
  currentValue?: unknown;
  proposedValue?: unknown;
  file?: { path: string; index?: number };
}

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
  check(ctx: Ctx): Finding[];
}

export type RuleOverride = Severity | 'off';
export type RuleOverrides = Readonly<Record<string, RuleOverride>>;

export function defineRule<Ctx>(rule: Rule<Ctx>): Rule<Ctx> {
  return rule;
}

/** Run `rules` against `ctx`, applying the user's overrides, and return spec-shaped results tagged with the rule id. */
export function runRules<Ctx>(rules: readonly Rule<Ctx>[], ctx: Ctx, overrides: RuleOverrides = {}): Result[] {
  const results: Result[] = [];
  for (const rule of rules) {
    const override = overrides[rule.id];
    if (override === 'off') continue;
    const severity = override ?? rule.severity;
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
  if (finding.file) result.file = finding.file;
  result.tags = { rule: ruleId };
  return result;
}
