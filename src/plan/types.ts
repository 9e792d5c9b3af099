import type { EppKnobs } from '../router/types.js';
import type { Item } from '../read/items.js';
import type { Path } from '../paths.js';
import type { KObject, ResourceRef } from '../types.js';
import type { PairContext } from './context.js';

/**
 * One change to the ResourceList. Plans are plain data so they can be tested without YAML, and apply stays generic.
 *  - ensure: set `path` to `value` only when nothing is there (a value the user wrote always wins);
 *  - append: add `value` to the list at `path`, creating the list when absent;
 *  - upsert: add a generated resource, or refresh the copy pd-disagg generated on an earlier run.
 */
export type Op =
  | { op: 'ensure'; item: Item; path: Path; value: unknown; note: string }
  | { op: 'append'; item: Item; path: Path; value: unknown; note: string }
  | { op: 'upsert'; object: KObject; note: string };

export interface EppConfigPlan {
  /** the EndpointPickerConfig as data */
  object: KObject;
  /** the YAML text stored in the ConfigMap */
  text: string;
  generated: boolean;
  configMap: KObject;
  /** the ConfigMap data key */
  key: string;
  /** the settings a generated config was built from */
  knobs: EppKnobs;
}

export interface Plan {
  name: string;
  namespace?: string;
  ops: Op[];
  epp: EppConfigPlan;
  pair: PairContext;
  /** the generated resources, in output order */
  generated: KObject[];
  /** the resource holding spec.epp.config, for results about a user-owned config */
  configRef?: ResourceRef;
}
