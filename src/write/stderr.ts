// Human text for stderr: one line per result. kustomize and Argo CD show nothing else of a function's output.
import type { Result } from '../types.js';

export function formatResult(r: Result): string {
  const where = r.resourceRef
    ? `${r.resourceRef.kind}/${r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : ''}${r.resourceRef.name}${r.field ? ` ${r.field.path}` : ''}: `
    : '';
  return `pd-disagg: ${r.severity}: ${where}${r.message}`;
}

export function formatResults(results: readonly Result[]): string {
  return results.map((r) => `${formatResult(r)}\n`).join('');
}
