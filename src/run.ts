// Run: ResourceList text in → ResourceList text, stderr text and exit code out. Never throws.

import { process as processList } from './process.js';
import { InputError, readResourceList } from './read/resource-list.js';
import type { Result } from './types.js';
import { formatResults } from './write/stderr.js';
import { writeResourceList, writeUnchanged } from './write/write.js';

export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function run(inputText: string, options: { debug?: boolean } = {}): RunOutput {
  try {
    const input = readResourceList(inputText);
    const results = processList(input);
    const failed = results.some((r) => r.severity === 'error');
    // On failure kpt and kustomize keep nothing we print; the items still go out unchanged, with the results,
    // so kpt can show them, and nobody ever sees a half-applied change.
    const stdout = failed ? writeUnchanged(inputText, results) : writeResourceList(input, results);
    // stderr carries errors and warnings only: kustomize streams it on every build and Argo CD shows it, while kpt
    // prints the info results from the ResourceList anyway
    return { stdout, stderr: formatResults(results.filter((r) => r.severity !== 'info')), exitCode: failed ? 1 : 0 };
  } catch (err) {
    if (err instanceof InputError) return { stdout: '', stderr: `pd-disagg: error: ${err.message}\n`, exitCode: 1 };
    const detail = options.debug && err instanceof Error ? `\n${err.stack}` : '';
    return {
      stdout: '',
      stderr: `pd-disagg: internal error: ${(err as Error)?.message ?? String(err)}; please report it with the input (set PD_DISAGG_DEBUG=1 for a stack trace)${detail}\n`,
      exitCode: 2,
    };
  }
}

export type { Result };
