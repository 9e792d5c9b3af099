// Human text for stderr: one line per result. kustomize and Argo CD show nothing else of a function's output.
import type { Result } from '../types.js';

export function formatResult(r: Result): string {
  const where = r.resourceRef
    ? `${r.resourceRef.kind}/${r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : ''}${r.resourceRef.name}${r.field ? ` ${r.field.path}` : ''}: `
    : '';
  return `pd-disagg: ${r.severity}: ${where}${shorten(r.message)}`;
}

/** A message can quote an engine argument of any size; one stderr line stays readable (the result keeps it whole). */
const MAX_LINE = 2000;
function shorten(message: string): string {
  return message.length <= MAX_LINE ? message : `${message.slice(0, MAX_LINE)}… (${message.length - MAX_LINE} more characters)`;
}

export function formatResults(results: readonly Result[]): string {
  return results.map((r) => `${formatResult(r)}\n`).join('');
}
