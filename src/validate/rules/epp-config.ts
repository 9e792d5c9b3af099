// The epp-config scope of the registry: rules for an EndpointPickerConfig against the router version that will load
// it, in the order results are reported. Every version difference comes from the router table; the rules only read
// it. Findings point at the field holding the whole config (origin.path) and name the plugin and parameter in the
// message. The rules live by topic:
//   epp/version.ts  — apiVersion and kind, fields the decoder does not know
//   epp/plugins.ts  — plugin types against the version's registry, feature gates, names, references
//   epp/params.ts   — plugin parameters: unknown, ignored, mixed forms, wrong JSON types
//   epp/profiles.ts — scheduling profiles and the profile handler
//   epp/prefix.ts   — the prefill decider and the prefix-cache producer it reads
//   epp/deciders.ts — what the plugin named as a decider is (a decider at all; the multimodal one for prefill), and
//                     pd-profile-handler's endless loop once its decider says yes
// epp/read.ts reads the config; epp/helpers.ts holds what the topics share. A new rule goes in its topic file and in
// REPORT_ORDER below.
import type { EppContext } from '../context.js';
import type { Rule } from '../registry.js';
import { decidersRules } from './epp/deciders.js';
import { paramsRules } from './epp/params.js';
import { pluginsRules } from './epp/plugins.js';
import { prefixRules } from './epp/prefix.js';
import { profilesRules } from './epp/profiles.js';
import { versionRules } from './epp/version.js';

const BY_TOPIC: readonly Rule<EppContext>[] = [...versionRules, ...pluginsRules, ...paramsRules, ...profilesRules, ...prefixRules, ...decidersRules];

/** The order results are reported in (the order the rules were written in, which the goldens record). */
const REPORT_ORDER = [
  'epp-api-version',
  'epp-api-version-deprecated',
  'epp-unknown-plugin',
  'epp-deprecated-plugin',
  'epp-experimental-plugin',
  'epp-unknown-feature-gate',
  'epp-strict-params',
  'epp-ignored-params',
  'epp-handler-mixed-params',
  'epp-missing-plugin-ref',
  'epp-missing-profile',
  'epp-no-prefill-decider',
  'epp-non-cached-tokens',
  'epp-no-prefix-producer',
  'epp-decider-no-producer',
  'epp-producer-autotune',
  'epp-producer-invalid',
  'epp-block-size-mismatch',
  'epp-block-size-floor',
  'epp-prefix-cap-ignored',
  'epp-prefill-profile-name',
  'epp-headers-handler-missing',
  'epp-headers-handler-profile',
  'epp-plugin-order',
  'epp-duplicate-plugin-name',
  'epp-unknown-field',
  'epp-param-type',
  'epp-profile-handlers',
  'epp-stage-order',
  'epp-prefill-profile-filter',
  'epp-encode-stage',
  'epp-encode-decider-type',
  'epp-decider-not-decider',
  'epp-prefill-decider-multimodal',
  'epp-pd-handler-extra-profile',
];

export const eppConfigRules: Rule<EppContext>[] = REPORT_ORDER.map((id) => {
  const rule = BY_TOPIC.find((r) => r.id === id);
  if (!rule) throw new Error(`epp-config rule ${id} is in REPORT_ORDER but in no topic file`);
  return rule;
});
if (new Set(REPORT_ORDER).size !== BY_TOPIC.length) throw new Error('an epp-config rule of a topic file is missing from REPORT_ORDER, or placed twice');
