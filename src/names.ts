// Names read from a container spec, shared by the engine reader (src/engines) and the sidecar reader (src/router):
// the program a command word runs, the shells whose `-c` script holds the real command line, and the parts of an
// image reference.

/** The shells whose `-c SCRIPT` the readers look into. */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);

/** The program a command word runs: the word after its last slash (`/usr/bin/python3` → `python3`). */
export function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Does the command word run a shell (`sh`, `/bin/bash`, ...)? */
export function isShell(word: string): boolean {
  return SHELLS.has(basename(word));
}

/** An image reference's repository path segments, lower case, without registry, tag and digest
 * (`registry.example.com:5000/mirror/vllm-openai:v1@sha256:…` → `mirror`, `vllm-openai`), and its tag as written. */
export function parseImage(image: string): { segments: string[]; tag?: string; digest: boolean } {
  const trimmed = image.trim();
  const at = trimmed.indexOf('@');
  const ref = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const parts = ref.split('/');
  const last = parts[parts.length - 1]!;
  const colon = last.indexOf(':');
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  if (colon >= 0) parts[parts.length - 1] = last.slice(0, colon);
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0]!.toLowerCase() === 'localhost')) parts.shift();
  const segments = parts.map((p) => p.toLowerCase()).filter((p) => p.length > 0);
  return { segments, ...(tag !== undefined ? { tag } : {}), digest: at >= 0 };
}
