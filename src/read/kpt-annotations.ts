// The package file an item came from, as kpt and kustomize (kyaml) annotate it: the internal spelling and the legacy
// one, which kpt keeps equal (it rejects a mismatched pair).

export const PATH_ANNOTATION = 'internal.config.kubernetes.io/path';
export const LEGACY_PATH_ANNOTATION = 'config.kubernetes.io/path';
/** the absolute directory of the kpt package an item belongs to (kpt fn render, on every item and the functionConfig;
 * with nested packages each item's path is relative to its own package, so two packages can hold the same path) */
const PACKAGE_PATH_ANNOTATION = 'internal.config.kubernetes.io/package-path';
/** the item's position in its file, in both spellings like the path */
export const INDEX_ANNOTATION = 'internal.config.kubernetes.io/index';
export const LEGACY_INDEX_ANNOTATION = 'config.kubernetes.io/index';
/** an object the package keeps for its tools only ("true"): never applied, and pd-disagg leaves it alone */
export const LOCAL_CONFIG_ANNOTATION = 'config.kubernetes.io/local-config';

/** The kpt package an item belongs to, if kpt said so. */
export function itemPackage(annotations: unknown): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const p = (annotations as Record<string, unknown>)[PACKAGE_PATH_ANNOTATION];
  return typeof p === 'string' && p !== '' ? p : undefined;
}

/** Where an item lives in the package, if the orchestrator said so (`metadata.annotations` as read; the internal
 * spelling first). */
export function itemPath(annotations: unknown): string | undefined {
  if (typeof annotations !== 'object' || annotations === null) return undefined;
  const a = annotations as Record<string, unknown>;
  const p = a[PATH_ANNOTATION] ?? a[LEGACY_PATH_ANNOTATION];
  return typeof p === 'string' ? p : undefined;
}

/**
 * The kpt package a render runs for when its function config does not say (a Kptfile mutator without configPath gets
 * no functionConfig): kpt hands a package's functions its own items and those of its subpackages, so it is the one
 * package directory every item's package lies in. Undefined when the items carry no package or no such one.
 */
export function renderedPackage(items: readonly { object: { metadata?: { annotations?: unknown } } }[]): string | undefined {
  const dirs = new Set<string>();
  for (const item of items) {
    const p = itemPackage(item.object.metadata?.annotations);
    if (p !== undefined) dirs.add(p);
  }
  const root = [...dirs].find((d) => [...dirs].every((o) => o === d || o.startsWith(d.endsWith('/') ? d : `${d}/`)));
  return root;
}
