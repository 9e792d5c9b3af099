import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { parse } from 'yaml';
import { run } from '../src/run.js';
import type { KObject, Result } from '../src/types.js';

/** A test that takes seconds (a fixed-seed fuzz slice, a deep input): `npm test` runs it, `npm run mutate`
 * (PD_MUTATE_RUN=1, set in vitest.mutate.config.mts) leaves it out, since it would run again for nearly every mutant. */
export const slowIt = process.env.PD_MUTATE_RUN === '1' ? it.skip : it;

export const read = (path: string) => readFileSync(path, 'utf8');

/** Run the function in-process on a ResourceList text; return the parsed output too. */
export function runText(input: string) {
  const out = run(input);
  const list: KObject | undefined = out.stdout ? parse(out.stdout) : undefined;
  return { ...out, list, results: (list?.results ?? []) as Result[], items: (list?.items ?? []) as KObject[] };
}

export function item(items: KObject[], kind: string, name: string): KObject {
  const found = items.find((i) => i.kind === kind && i.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in output (have: ${items.map((i) => `${i.kind}/${i.metadata?.name}`).join(', ')})`);
  return found;
}

/** A minimal ResourceList around the given items YAML (indented as list entries) and optional functionConfig YAML. */
export function resourceList(itemsYaml: string, functionConfigYaml?: string): string {
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${itemsYaml}${functionConfigYaml ? `functionConfig:\n${functionConfigYaml}` : ''}`;
}

/** Every YAML file in the repository's test data, examples and function configs (with the Kptfiles), as text. */
export function yamlFiles(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name) || entry.name === 'Kptfile') out.push({ name: path, text: readFileSync(path, 'utf8') });
    }
  };
  for (const dir of ['testdata', 'examples', 'fn-config']) if (existsSync(dir)) walk(dir);
  return out;
}
