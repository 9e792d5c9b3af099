// YAML text of plain data with a head comment, as the yaml package prints it (toStringOptions): the plain printer
// where it can (src/write/plain-yaml.ts, no yaml nodes on a cold start), the yaml package where it declines. Callers
// get the text and never know which printed it.

import { Document, stringify } from 'yaml';
import { toStringOptions } from '../read/yaml-options.js';
import type { KObject } from '../types.js';
import { printDocument } from './plain-yaml.js';

/** `object` as one YAML document, with `headLines` as `# ` comment lines above it. */
export function yamlText(object: KObject, headLines: readonly string[]): string {
  const comment = headLines.map((l) => ` ${l}`).join('\n');
  const printed = printDocument(object, comment);
  if (printed !== undefined) return printed;
  const doc = new Document(object);
  doc.commentBefore = comment;
  return doc.toString(toStringOptions);
}

/** A value the user wrote (spec.epp.config) as YAML text, printed by the yaml package with its own defaults, unfolded. */
export function userYamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
