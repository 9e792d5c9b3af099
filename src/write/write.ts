// Write: the ResourceList back out as block YAML, with this run's results. Results are output only (kpt and kustomize
// never send them in), so any `results` in the input are replaced: running the output through again stays stable.

import { isCollection, isMap, visit, type Document } from 'yaml';
import { readResourceList, type ResourceListInput } from '../read/resource-list.js';
import { toStringOptions } from '../read/yaml-options.js';
import type { Result } from '../types.js';

export function writeResourceList(input: ResourceListInput, results: readonly Result[]): string {
  const { doc } = input;
  doc.delete('results');
  if (results.length > 0) doc.set('results', doc.createNode(results, { aliasDuplicateObjects: false }));
  if (input.json) toBlockStyle(doc);
  return doc.toString(toStringOptions);
}

/** On failure the items go back exactly as they came, with the results: no half-applied change reaches anyone. */
export function writeUnchanged(inputText: string, results: readonly Result[]): string {
  return writeResourceList(readResourceList(inputText), results);
}

/** JSON input would otherwise come back as flow YAML, which kpt then writes into every file of the package. */
function toBlockStyle(doc: Document): void {
  visit(doc, {
    Map: (_, node) => {
      node.flow = false;
    },
    Seq: (_, node) => {
      node.flow = node.items.length === 0;
    },
  });
  if (isCollection(doc.contents) && isMap(doc.contents)) doc.contents.flow = false;
}
