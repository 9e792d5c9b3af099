// Run: ResourceList text in → ResourceList text, stderr text and exit code out. Never throws.
//
// The contract it keeps, whatever the input (test/property checks it on generated and mutated inputs):
//   exit 0 → stdout is one ResourceList with a non-empty `items` (an empty one makes kpt delete the package);
//   exit 1 → stderr names what is wrong and where; stdout is empty or the items unchanged with the results;
//   exit 2 → an internal error (a bug): the same, plus a request to report it. No stack trace unless debug is set.

import { explain, explainMermaid } from './explain/explain.js';
import { processOutcome, type Outcome } from './process.js';
import { limitsFrom, type Limits } from './read/limits.js';
import { readDocument } from './read/document.js';
import { InputError } from './read/resource-list.js';
import { decodeInput } from './read/stdin.js';
import { formatResults, withRuleId } from './write/stderr.js';
import { writeDocument } from './write/write.js';

export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  /** print a stack trace with internal errors (PD_DISAGG_DEBUG=1) */
  debug?: boolean;
  /** environment to read limits from (PD_DISAGG_MAX_INPUT_BYTES); the process environment is never read here */
  env?: Record<string, string | undefined>;
  /** print what the render does for people instead of the ResourceList (`--explain`), or only its flowchart */
  explain?: 'text' | 'mermaid';
  /** render as usual and also write the explanation to stderr (PD_DISAGG_EXPLAIN=1 under kpt or kustomize, which only
   * let a function speak to people on stderr) */
  explainOnStderr?: boolean;
}

export function run(input: string | Uint8Array, options: RunOptions = {}): RunOutput {
  try {
    const { limits, problem } = limitsFrom(options.env);
    if (problem) throw new InputError(problem);
    const inputText = typeof input === 'string' ? input : decodeInput(input, limits.maxInputBytes);
    return runText(inputText, limits, options);
  } catch (err) {
    if (err instanceof InputError) return { stdout: '', stderr: printable(`pd-disagg: error: ${err.message}\n`), exitCode: 1 };
    const detail = options.debug && err instanceof Error ? `\n${err.stack}` : '';
    const message = err instanceof Error ? err.message : String(err);
    return {
      stdout: '',
      stderr: printable(
        `pd-disagg: internal error: ${message.split('\n')[0]}; please report it with the input (set PD_DISAGG_DEBUG=1 for a stack trace)${detail}\n`,
      ),
      exitCode: 2,
    };
  }
}

function runText(inputText: string, limits: Limits, options: RunOptions): RunOutput {
  const explainAs = options.explain;
  const input = readDocument(inputText, limits);
  // the rule id at the end of every message (processOutcome adds it to its own results): kpt prints messages,
  // kustomize and Argo CD show stderr, neither shows tags
  const outcome: Outcome = input.problems.length > 0 ? { results: input.problems.map(withRuleId) } : processOutcome(input);
  const results = outcome.results;
  const failed = results.some((r) => r.severity === 'error');
  if (explainAs) {
    // for people: the explanation holds every finding, so stderr stays empty
    return { stdout: printable(explainAs === 'mermaid' ? explainMermaid(outcome) : explain(outcome)), stderr: '', exitCode: failed ? 1 : 0 };
  }
  // On failure kpt and kustomize keep nothing we print; the items still go out unchanged, with the results,
  // so kpt can show them, and nobody ever sees a half-applied change.
  const stdout = writeDocument(failed ? readDocument(inputText, limits) : input, results);
  // stderr carries errors and warnings only: kustomize streams it on every build and Argo CD shows it, while kpt
  // prints the info results from the ResourceList anyway
  const stderr = options.explainOnStderr ? explain(outcome) : formatResults(results.filter((r) => r.severity !== 'info'));
  return { stdout, stderr: printable(stderr), exitCode: failed ? 1 : 0 };
}

/** stderr goes to terminals and CI logs: control characters from the input (ESC, CR, ...) are shown, not obeyed. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
