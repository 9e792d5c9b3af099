// Field paths: arrays for the Document API, kpt-style strings (spec.template.spec.containers[0].args[3]) for results.

export type Path = readonly (string | number)[];

/** The value at `path` in plain data (own properties only), or undefined when the path does not lead anywhere. */
export function getIn(object: unknown, path: Path): unknown {
  let cur: unknown = object;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** Join a resource path and a container-relative path such as `args[3]` or `env[1].value`. */
export function joinPath(base: Path, relative?: string): string {
  const head = formatPath(base);
  if (!relative) return head;
  return relative.startsWith('[') ? head + relative : `${head}.${relative}`;
}
