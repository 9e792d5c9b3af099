// Annotations that belong to kpt, kustomize and kyaml. pd-disagg keeps them on every item it touches and sets the
// path/index pair on the resources it creates (relative to the package, never with ../).

import { INDEX_ANNOTATION, itemPath, LEGACY_INDEX_ANNOTATION, LEGACY_PATH_ANNOTATION, PATH_ANNOTATION } from '../read/kpt-annotations.js';
import { isPlainObject, type KObject } from '../types.js';

const TOOL_PREFIXES = ['internal.config.kubernetes.io/', 'kustomize.config.k8s.io/'];
const TOOL_KEYS = new Set([LEGACY_PATH_ANNOTATION, LEGACY_INDEX_ANNOTATION, 'config.k8s.io/id']);

export function isToolAnnotation(key: string): boolean {
  return TOOL_KEYS.has(key) || TOOL_PREFIXES.some((p) => key.startsWith(p));
}

/** Both the internal and the legacy spelling, kept consistent: kpt rejects a mismatched pair. */
export function newResourceAnnotations(path: string, index: number): Record<string, string> {
  return {
    [LEGACY_PATH_ANNOTATION]: path,
    [LEGACY_INDEX_ANNOTATION]: String(index),
    [PATH_ANNOTATION]: path,
    [INDEX_ANNOTATION]: String(index),
  };
}

/** The file generated resources go to: next to the decode workload's file, named after the base name. */
export function generatedFilePath(decodePath: string | undefined, baseName: string): string {
  const file = `${baseName}-pd-disagg.yaml`;
  if (!decodePath) return file;
  const slash = decodePath.lastIndexOf('/');
  const dir = slash > 0 ? decodePath.slice(0, slash) : '';
  const safe = dir.split('/').filter((s) => s && s !== '.' && s !== '..').join('/');
  return safe ? `${safe}/${file}` : file;
}

/** The kpt index after the last item already in the file at path: where a resource added to that file goes. */
export function nextIndexInFile(items: readonly { object: KObject }[], path: string): number {
  let next = 0;
  for (const item of items) {
    const a = item.object.metadata?.annotations;
    if (!isPlainObject(a)) continue;
    const p = itemPath(a);
    const i = Number(a[INDEX_ANNOTATION] ?? a[LEGACY_INDEX_ANNOTATION] ?? 0);
    if (p === path && Number.isInteger(i) && i >= next) next = i + 1;
  }
  return next;
}
