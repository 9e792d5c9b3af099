// The generated EndpointPickerConfig as the ConfigMap holds it, and the checksum that rolls the EPP's pods: the router
// tables give the config and its notes as data (src/router/epp-config.ts); printing and hashing them happen here.

import { buildEppConfig, eppConfigNotes } from '../router/epp-config.js';
import type { EppKnobs, RouterVersion } from '../router/types.js';
import { yamlText } from '../write/yaml-text.js';
import { sha256Hex } from './sha256.js';

/** The generated config as ConfigMap text, with a header saying why it is armed this way. */
export function eppConfigYaml(version: RouterVersion, knobs: EppKnobs): string {
  return yamlText(buildEppConfig(version, knobs), eppConfigNotes(version, knobs));
}

/**
 * The checksum that rolls the EPP's pods when their config changes: of the config as data (its JSON), which is what
 * the EPP acts on. The text's explanatory comments do not count, and hashing the data alone is a third of the work on
 * a cold start (issue #7).
 */
export function configChecksum(config: unknown): string {
  return sha256Hex(JSON.stringify(config));
}
