// Process: the pipeline, one step per folder under src/:
//   read → config → discover → engines (parse flags) → plan → apply → validate → write.
// `process` gets a parsed ResourceList and returns the results; it edits the Document in place.

import { applyOps } from './apply/apply.js';
import { generatedFilePath, itemPath } from './apply/annotations.js';
import { readConfig } from './config/read-config.js';
import { discoverEngines } from './discover/engines.js';
import { plan as makePlan } from './plan/plan.js';
import type { ResourceListInput } from './read/resource-list.js';
import type { Result } from './types.js';
import { validate } from './validate/validate.js';

export function process(input: ResourceListInput): Result[] {
  const { config, results: configResults } = readConfig(input.functionConfig);
  if (!config) return configResults;

  // discover engines; their flags are parsed on the way (src/engines)
  const found = discoverEngines(input.items, config);
  if (!found.prefill || !found.decode) return found.results;

  const plan = makePlan(config, found.prefill, found.decode);
  const results = validate(plan, config, input.items);
  if (results.some((r) => r.severity === 'error')) return results;

  const newFile = generatedFilePath(itemPath(found.decode.workload.item.object.metadata?.annotations), plan.name);
  const applied = applyOps(input, plan.ops, newFile);
  results.push(...applied.results);
  for (const { ref, notes } of applied.changes) {
    results.push({ message: notes.join(', '), severity: 'info', resourceRef: ref });
  }
  return results;
}
