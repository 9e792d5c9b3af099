// Process: the pipeline, one step per folder under src/:
//   read → config → discover → engines (parse flags) → plan → validate → apply → write.
// The plan holds the pair as it will be written (its operations applied to a plain copy of each engine workload), so
// validate checks the planned result without touching the Document; only a pair without errors is applied. When apply
// itself refuses something (a field of the wrong type, a name another pair owns), run() writes the items as they were
// read, so no half-applied change ever goes out.
// `processOutcome` gets the ResourceList document (src/read/items.ts), edits it in place and returns the results with
// what each step decided, for the explanation (src/explain), which reads it and derives nothing itself.
//
// A re-render sees pd-disagg's own earlier output: discovery and the plan run on the items without what this pair
// injected before (src/plan/owned.ts), so they see what a fresh render sees, and reconcile (src/apply/reconcile.ts)
// brings the items to the plan, removing what this pair owns and the config no longer asks for.

import type { ApplyOutcome } from './apply/apply.js';
import { generatedFilePath } from './apply/annotations.js';
import { ownedView, reconcile, type OwnedView } from './apply/reconcile.js';
import { toFilePaths, type StrippedItem } from './apply/view-paths.js';
import { readConfig } from './config/read-config.js';
import type { PdConfig } from './config/types.js';
import { discoverEngines } from './discover/engines.js';
import { foldSwappedRoles } from './validate/swapped-roles.js';
import { configIdOf, pairIdOf } from './plan/owned.js';
import { itemPackage, itemPath, renderedPackage } from './read/kpt-annotations.js';
import { plan as makePlan } from './plan/plan.js';
import type { Plan } from './plan/types.js';
import type { ResourceDocument } from './read/items.js';
import type { Result } from './types.js';
import { validate } from './validate/validate.js';
import { withRuleId } from './write/stderr.js';

/** What a run decided, step by step; a step that did not run leaves its field unset. */
export interface Outcome {
  results: Result[];
  config?: PdConfig;
  plan?: Plan;
  /** what apply changed, per resource (removals as notes starting with "removed"); unset when nothing was applied */
  changes?: ApplyOutcome['changes'];
}

/** Every step's outcome; each result's message ends with its rule id (kpt prints messages, kustomize and Argo CD show
 * stderr lines made from them; neither shows tags). */
export function processOutcome(input: ResourceDocument): Outcome {
  const outcome = steps(input);
  outcome.results = outcome.results.map(withRuleId);
  return outcome;
}

function steps(input: ResourceDocument): Outcome {
  const { config, results: configResults } = readConfig(input.functionConfig);
  if (!config) return { results: configResults };
  config.id = configIdOf(input.functionConfig);
  // kpt's package of the config: with nested packages, items of a subpackage are never this render's (owned.ts ownedBy)
  const configPackage = itemPackage(input.functionConfig?.metadata?.annotations) ?? renderedPackage(input.items);
  config.package = configPackage;

  // discover engines; their flags are parsed on the way (src/engines). The pair is named by its decode workload;
  // then discovery runs again on the items without what this pair injected before.
  const first = discoverEngines(input.items, config);
  if (!first.prefill || !first.decode) return { results: first.results, config };
  let pair = pairIdOf(first.decode.workload.item.ref);
  let view = ownedView(input.items, pair, config.form, config.id, configPackage);
  let found = view.strips.size > 0 ? discoverEngines(view.items, config) : first;
  if (found.decode && pairIdOf(found.decode.workload.item.ref) !== pair) {
    pair = pairIdOf(found.decode.workload.item.ref);
    view = ownedView(input.items, pair, config.form, config.id, configPackage);
    found = discoverEngines(view.items, config);
  }
  if (!found.prefill || !found.decode) return { results: found.results, config };
  // the encode stage's discovery problems (E/P/D) stop the run like a missing prefill or decode
  if (found.results.some((r) => r.severity === 'error')) return { results: found.results, config };

  // plan, then validate what it will write (plan.pair is the planned pair); the Document is edited only after that;
  // results name fields as they are in the file, not in the view without this pair's earlier injections
  const plan = makePlan(config, found.prefill, found.decode, found.encode);
  const results = toFilePaths(validate(plan, config, view.items), strippedItems(view, plan));
  if (results.some((r) => r.severity === 'error')) return { results: foldSwappedRoles(results, config, found.prefill, found.decode), config, plan };

  const newFile = generatedFilePath(itemPath(found.decode.workload.item.object.metadata?.annotations), plan.name);
  const applied = reconcile(input, view, plan, config.form, newFile);
  results.push(...applied.results);
  for (const { ref, notes } of applied.changes) {
    results.push({ message: notes.join(', '), severity: 'info', resourceRef: ref });
  }
  return { results, config, plan, changes: applied.changes };
}

/** The items a re-render stripped of this pair's earlier injections, each with the view the rules read of it (the
 * planned workload for a stage of the pair, else the stripped view). */
function strippedItems(view: OwnedView, plan: Plan): StrippedItem[] {
  const stages = [plan.pair.prefill, plan.pair.decode, ...(plan.pair.encode ? [plan.pair.encode] : [])];
  return [...view.strips].map(([item, strip]) => {
    // a stage's resource is its view item's ref, which is the item's own ref object (ownedView keeps it)
    const stage = stages.find((s) => s.resource === item.ref);
    return { ref: item.ref, original: item.object, strip, planned: stage?.object ?? strip.object };
  });
}
