// Human text for stderr: one line per result. kustomize and Argo CD show nothing else of a function's output.
import type { Result } from '../types.js';

/** The rule id a result's message ends with, so kpt's printout, stderr, kustomize and Argo CD all show it. */
export function ruleSuffix(id: string): string {
  return ` [rule ${id}]`;
}

/** The result with its rule id (tags.rule) at the end of its message; a result without one is returned as it is. */
export function withRuleId(r: Result): Result {
  const id = r.tags?.rule;
  if (!id || r.message.endsWith(ruleSuffix(id))) return r;
  return { ...r, message: `${r.message}${ruleSuffix(id)}` };
}

export function formatResult(r: Result): string {
  const where = r.resourceRef
    ? `${r.resourceRef.kind}/${r.resourceRef.namespace ? `${r.resourceRef.namespace}/` : ''}${r.resourceRef.name}${r.field ? ` ${r.field.path}` : ''}: `
    : '';
  const id = r.tags?.rule;
  const suffix = id && r.message.endsWith(ruleSuffix(id)) ? ruleSuffix(id) : '';
  return `pd-disagg: ${r.severity}: ${where}${shorten(r.message.slice(0, r.message.length - suffix.length))}${suffix}`;
}

/** A message can quote an engine argument of any size; one stderr line stays readable (the result keeps it whole). */
const MAX_LINE = 2000;
function shorten(message: string): string {
  return message.length <= MAX_LINE ? message : `${message.slice(0, MAX_LINE)}… (${message.length - MAX_LINE} more characters)`;
}

export function formatResults(results: readonly Result[]): string {
  return results.map((r) => `${formatResult(r)}\n`).join('');
}
