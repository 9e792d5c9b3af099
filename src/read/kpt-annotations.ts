// The package file an item came from, as kpt and kustomize (kyaml) annotate it: the internal spelling and the legacy
// one, which kpt keeps equal (it rejects a mismatched pair).

export const PATH_ANNOTATION = 'internal.config.kubernetes.io/path';
export const LEGACY_PATH_ANNOTATION = 'config.kubernetes.io/path';

/** Where an item lives in the package, if the orchestrator said so (`metadata.annotations` as read; the internal
 * spelling first). */
export function itemPath(annotations: unknown): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const a = annotations as Record<string, unknown>;
  const p = a[PATH_ANNOTATION] ?? a[LEGACY_PATH_ANNOTATION];
  return typeof p === 'string' ? p : undefined;
}
