// Field paths: arrays for the Document API, kpt-style strings (spec.template.spec.containers[0].args[3]) for results.

export type Path = readonly (string | number)[];

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
