// Validate: run the registry over the planned pair (plan.pair: each engine workload as it will be written, see
// src/plan/plan.ts) and over every EndpointPickerConfig in sight — the generated one, spec.epp.config, and any
// EndpointPickerConfig held in a ConfigMap among the items — and turn engine parse problems into results. It runs
// before anything is applied to the Document: a run with an error writes the items unchanged.

import type { PdConfig } from '../config/types.js';
import { isPassThrough } from '../read/items.js';
import { shown } from '../engines/index.js';
import { enginePath } from './rules/pair.js';
import type { Plan } from '../plan/types.js';
import { isManagedByUs } from '../router/stack.js';
import type { Item } from '../read/items.js';
import { parseYamlValue } from '../read/safe-yaml.js';
import { isPlainObject, refOf, type Result, type RuleOverrides } from '../types.js';
import type { EppConfigInput, EppContext, PairContext, StageSide } from './context.js';
import { readEppConfig } from './rules/epp/read.js';
import { ENCODE_RULE_IDS } from './rules/encode.js';
import { runRules, type Finding, type Rule } from './registry.js';
import { ALL_RULES, RULES } from './rules/index.js';
import { didYouMean } from '../config/suggest.js';
import { alphaPlugins } from '../router/rollout-screener.js';
import { routerTable } from '../router/table.js';

export function validate(plan: Plan, config: PdConfig, items: readonly Item[]): Result[] {
  const results: Result[] = unknownRuleIds(config);
  const encode = plan.pair.encode;
  for (const side of encode ? [plan.pair.prefill, plan.pair.decode, encode] : [plan.pair.prefill, plan.pair.decode]) results.push(...parseIssues(side));
  // the E/P/D rules read the encode engine and prefill (and run on no pair without an encode stage, so they have no
  // value to miss there); the others prefill and decode
  const pairSides = [plan.pair.prefill, plan.pair.decode];
  const sidesOf = (rule: Rule<PairContext>): StageSide[] => (!ENCODE_RULE_IDS.has(rule.id) ? pairSides : encode ? [encode, plan.pair.prefill] : []);
  results.push(...runRules(RULES.pair, plan.pair, config.rules, (rule) => cannotCheck(rule, sidesOf(rule))));

  const engineBlockSize = plan.pair.decode.engine.blockSize?.value;
  const eppOrigin: EppContext['origin'] = plan.epp.generated
    ? { resource: refOf(plan.epp.configMap), path: `data.${plan.epp.key}`, generated: true }
    : { resource: plan.configRef, path: 'spec.epp.config', generated: false };
  const knobs = plan.epp.generated ? { knobs: plan.epp.knobs, configRef: config.ref, fieldPrefix: config.form === 'ConfigMap' ? 'data.' : 'spec.epp.' } : undefined;
  const experimentalAllowed = config.router.enabled && alphaPlugins(plan.pair.version, plan.epp.object).length > 0;
  results.push(
    ...lint(
      {
        version: plan.pair.version,
        config: plan.epp.object,
        origin: eppOrigin,
        engineBlockSize,
        ...(knobs ? { knobs } : {}),
        ...(experimentalAllowed ? { experimentalAllowed } : {}),
        ...(plan.pair.set ? { set: plan.pair.set } : {}),
        ...(encode ? { encode: true } : {}),
      },
      config,
    ),
  );

  for (const item of items) {
    if (item.ref.kind !== 'ConfigMap' || item.ref.apiVersion !== 'v1' || isPassThrough(item, config.ref)) continue;
    if (isManagedByUs(item.object)) continue;
    const data = item.object.data;
    if (!isPlainObject(data)) continue;
    for (const [key, text] of Object.entries(data)) {
      if (typeof text !== 'string' || !/kind:\s*["']?EndpointPickerConfig/.test(text)) continue;
      let parsed: unknown;
      try {
        parsed = parseYamlValue(text, undefined, `data.${key}`);
      } catch (err) {
        results.push({
          message: `data.${key} holds an EndpointPickerConfig that is not valid YAML (${(err as Error).message.split('\n')[0]}); the EPP would fail to start. Fix the YAML of data.${key} (the EPP reads it as its config file)`,
          severity: 'error',
          resourceRef: item.ref,
          field: { path: `data.${key}` },
          tags: { rule: 'epp-config-yaml' },
        });
        continue;
      }
      if (!isPlainObject(parsed)) continue;
      results.push(...lint({ version: plan.pair.version, config: parsed, origin: { resource: item.ref, path: `data.${key}`, generated: false }, engineBlockSize }, config));
    }
  }
  return results;
}

function lint(input: EppConfigInput, config: PdConfig): Result[] {
  return lintEppConfig(input, config.rules);
}

/** Lint an EndpointPickerConfig against its router version: the epp-config rules, with the user's overrides. The
 * config is read once (rules/epp/read.ts) and every rule reads that. */
export function lintEppConfig(input: EppConfigInput, overrides?: RuleOverrides): Result[] {
  const ctx: EppContext = { ...input, read: readEppConfig(routerTable(input.version), input.config) };
  return runRules(RULES['epp-config'], ctx, overrides);
}

/** A rule that needs a value only known at run time: it does not run, and says so (never that the value is wrong). */
function cannotCheck(rule: Rule<PairContext>, sides: readonly StageSide[]): Finding | undefined {
  for (const side of sides) {
    if (rule.engines && !rule.engines.includes(side.engine.kind)) continue;
    for (const field of rule.needs ?? []) {
      const u = side.engine.unknown?.[field];
      if (!u) continue;
      return {
        message: `could not check ${rule.id} (${rule.summary}): the ${side.role} engine's ${u.what} is only known when the pod runs. Write it as a literal value (or an env value of the container) to have it checked`,
        resource: side.resource,
        path: enginePath(side, u.path),
      };
    }
  }
  return undefined;
}

/** Problems the engine model met while reading a launch line (bad JSON, `--port=abc`, ...). */
function parseIssues(side: StageSide): Result[] {
  return side.engine.issues.map((issue) => ({
    message: shown(`${side.role} engine: ${issue.message}`),
    severity: issue.severity,
    resourceRef: side.resource,
    field: { path: enginePath(side, issue.path) },
    tags: { rule: `parse-${issue.code}` },
  }));
}

/** An override for a rule that does not exist switches nothing: say so, with the id it was probably meant to be. */
function unknownRuleIds(config: PdConfig): Result[] {
  const known = ALL_RULES.map((r) => r.id);
  const field = config.form === 'ConfigMap' ? 'data.rules' : undefined;
  return Object.keys(config.rules)
    .filter((id) => !known.includes(id))
    .map((id) => {
      const result: Result = {
        message: `${field ?? 'spec.rules'}: ${id} is not a rule id${didYouMean(id, known)} (rules that can be overridden are listed in docs/rules.md)`,
        severity: 'error',
        tags: { rule: 'config-invalid' },
      };
      if (config.ref) {
        result.resourceRef = config.ref;
        result.field = { path: field ?? `spec.rules.${id}` };
      }
      return result;
    });
}
