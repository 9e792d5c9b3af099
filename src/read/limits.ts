// Bounds on what pd-disagg agrees to read. A KRM function runs unattended in render pipelines and GitOps controllers:
// whatever it is fed, it must answer with a clear error instead of exhausting memory or the stack.
//
//   PD_DISAGG_MAX_INPUT_BYTES  size of stdin, and of the data once YAML aliases are expanded (default 64 MiB)
//
// Nesting depth and alias use are fixed: no Kubernetes object comes near them, and raising them would only let the
// parser reach the stack limit, where node can abort without a catchable error.

/** Default cap on stdin: far above any real package, far below what node can hold. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;
export const MAX_INPUT_BYTES_ENV = 'PD_DISAGG_MAX_INPUT_BYTES';

/** Deepest nesting of mappings and sequences accepted (a CRD's openAPIV3Schema stays well under 100). */
export const MAX_DEPTH = 200;

/** Upper bound on alias expansion when converting to plain data (defends against "billion laughs" documents). */
export const MAX_ALIAS_COUNT = 100;

export interface Limits {
  maxInputBytes: number;
  maxDepth: number;
  maxAliasCount: number;
}

/** The limits in force: the defaults, with PD_DISAGG_MAX_INPUT_BYTES read from the environment when it is valid. */
export function limitsFrom(env: Record<string, string | undefined> = {}): { limits: Limits; problem?: string } {
  const limits: Limits = { maxInputBytes: DEFAULT_MAX_INPUT_BYTES, maxDepth: MAX_DEPTH, maxAliasCount: MAX_ALIAS_COUNT };
  const raw = Object.hasOwn(env, MAX_INPUT_BYTES_ENV) ? env[MAX_INPUT_BYTES_ENV] : undefined;
  if (raw === undefined || raw === '') return { limits };
  const parsed = parseByteSize(raw);
  if (parsed === undefined) {
    return {
      limits,
      problem: `${MAX_INPUT_BYTES_ENV}=${JSON.stringify(raw)} is not a size: give a number of bytes, optionally with a Ki, Mi or Gi suffix (e.g. 256Mi)`,
    };
  }
  limits.maxInputBytes = parsed;
  return { limits };
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3 };

export function parseByteSize(text: string): number | undefined {
  const m = /^\s*([0-9]{1,15})\s*([kKmMgG]i?)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]!;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

export function tooLargeMessage(what: string, limit: number): string {
  return (
    `${what} is larger than the ${formatBytes(limit)} limit; ` +
    `raise it with ${MAX_INPUT_BYTES_ENV} (e.g. ${MAX_INPUT_BYTES_ENV}=256Mi) if the input is genuine`
  );
}
