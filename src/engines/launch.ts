// Finding the engine invocation on a container's launch line: `command` + `args`, a shell script inside
// them, or (args only) the image's entrypoint. Which launchers exist is data in the dialect tables.

import type { Dialect, LauncherSpec } from './dialects/types.js';
import { ISSUE_CODES } from './issue-codes.js';
import type { ContainerPath, LaunchInfo, ParseIssue } from './types.js';
import { splitScript, type ShellLookup } from './shell.js';
import { canonicalFlag, specIndex } from './flags.js';
import { basename, isShell, parseImage } from '../names.js';

export interface LineToken {
  text: string;
  path: ContainerPath;
}

export interface FoundLauncher {
  dialect: Dialect;
  launcher: LauncherSpec;
  /** how it was written, e.g. `vllm serve`, `python3 -m sglang.launch_server` */
  label: string;
  /** the tokens after the launcher */
  rest: LineToken[];
  launch: LaunchInfo;
  issues: ParseIssue[];
}

const MAX_SHELL_DEPTH = 3;

function isPython(name: string): boolean {
  if (!name.startsWith('python')) return false;
  for (let i = 6; i < name.length; i++) {
    const c = name[i];
    if (!(c === '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

/** Number of tokens the launcher spans when it starts at `i`, or 0. */
function matchLauncher(tokens: readonly LineToken[], i: number, l: LauncherSpec): number {
  const prog = basename(tokens[i].text);
  if (l.program === 'python' ? !isPython(prog) : prog !== l.program) return 0;
  let j = i + 1;
  if (l.program === 'python') {
    // interpreter options before -m: python -u -X dev -m module
    while (j < tokens.length && tokens[j].text.startsWith('-') && tokens[j].text !== '-m') {
      j += tokens[j].text === '-X' || tokens[j].text === '-W' ? 2 : 1;
    }
  }
  for (const want of l.rest) {
    if (j >= tokens.length || tokens[j].text !== want) return 0;
    j++;
  }
  return j - i;
}

function labelOf(tokens: readonly LineToken[], i: number, span: number, l: LauncherSpec): string {
  return [basename(tokens[i].text), ...l.rest].join(' ').trim() || tokens.slice(i, i + span).map((t) => t.text).join(' ');
}

/** Index of the `-c` script when tokens[i] starts `sh -c <script>`, else -1. */
function shellScriptAt(tokens: readonly LineToken[], i: number): number {
  if (!isShell(tokens[i].text)) return -1;
  let sawC = false;
  let j = i + 1;
  while (j < tokens.length) {
    const t = tokens[j].text;
    if (t === '--') {
      j++;
      break;
    }
    if (!(t.startsWith('-') || t.startsWith('+')) || t.length < 2) break;
    if (t === '-o' || t === '+o') j++; // -o pipefail
    else if (!t.startsWith('--') && t.slice(1).includes('c')) sawC = true;
    j++;
  }
  return sawC && j < tokens.length ? j : -1;
}

export function findLauncher(
  tokens: readonly LineToken[],
  dialects: readonly Dialect[],
  lookup: ShellLookup,
  depth = 0,
  shell?: { program: string; path: ContainerPath },
): FoundLauncher | undefined {
  for (let i = 0; i < tokens.length; i++) {
    for (const dialect of dialects) {
      for (const launcher of dialect.launchers) {
        const span = matchLauncher(tokens, i, launcher);
        if (span > 0) {
          return {
            dialect,
            launcher,
            label: labelOf(tokens, i, span, launcher),
            rest: tokens.slice(i + span),
            launch: shell
              ? { via: 'shell', path: shell.path, shell: shell.program }
              : { via: 'command', path: tokens[i].path },
            issues: [],
          };
        }
      }
    }
    // `eval word...` runs the words joined by spaces as a new script (quotes inside them are read again).
    if (shell && tokens[i].text === 'eval' && depth < MAX_SHELL_DEPTH) {
      const text = tokens.slice(i + 1).map((t) => t.text).join(' ');
      for (const cmd of splitScript(text, lookup)) {
        const words = cmd.words.map((w) => ({ text: w, path: shell.path }));
        const found = findLauncher(words, dialects, lookup, depth + 1, shell);
        if (found) return found;
      }
      return undefined;
    }
    const s = depth < MAX_SHELL_DEPTH ? shellScriptAt(tokens, i) : -1;
    if (s >= 0) {
      const script = tokens[s];
      // after the script: $0, then $1... ("$@")
      const params = tokens.slice(s + 1);
      const issues: ParseIssue[] = [];
      for (const cmd of splitScript(script.text, lookup, params.map((p) => p.text))) {
        if (cmd.error) {
          issues.push({
            code: ISSUE_CODES.shellUnparseable,
            severity: 'error',
            path: script.path,
            message: `A command in the ${basename(tokens[i].text)} -c script cannot be split into words (${cmd.error}); the shell will fail too. Check the quotes in the script.`,
          });
        }
        const words = cmd.words.map((text, w) => {
          const origin = cmd.origins[w];
          return { text, path: origin === undefined ? script.path : params[origin].path };
        });
        const found = findLauncher(words, dialects, lookup, depth + 1, shell ?? { program: tokens[i].text, path: script.path });
        if (found) {
          found.issues.unshift(...issues);
          return found;
        }
      }
      return undefined;
    }
  }
  return undefined;
}

function hasFlag(d: Dialect, args: readonly LineToken[], names: readonly string[]): boolean {
  const want = new Set(names);
  for (const a of args) {
    if (!a.text.startsWith('--')) continue;
    const eq = a.text.indexOf('=');
    let name = canonicalFlag(d, eq > 0 ? a.text.slice(0, eq) : a.text);
    const dot = name.indexOf('.');
    if (dot > 0) name = name.slice(0, dot);
    if (want.has(name)) return true;
  }
  return false;
}

/** Args only (no command): the image's ENTRYPOINT runs. Recognise the engine by image; else by a flag only that
 * engine has, or by container name (or the config naming the container) plus engine-specific flags — then with a
 * warning, since the image's entrypoint is a guess. */
export function inferEntrypoint(
  image: unknown,
  name: unknown,
  args: readonly LineToken[],
  dialects: readonly Dialect[],
  named = false,
): FoundLauncher | undefined {
  const segs = typeof image === 'string' ? parseImage(image).segments : [];
  const repo = segs[segs.length - 1] ?? '';
  for (const dialect of dialects) {
    const ep = dialect.imageEntrypoint;
    if (!ep) continue;
    const byImage = ep.imageRepos.includes(repo) ? ep.launcher : ep.otherImages?.find((o) => o.imageRepos.includes(repo))?.launcher;
    if (byImage) {
      const label = [byImage.program, ...byImage.rest].join(' ');
      return { dialect, launcher: byImage, label, rest: [...args], launch: { via: 'image-entrypoint' }, issues: [] };
    }
  }
  for (const dialect of dialects) {
    const ep = dialect.imageEntrypoint;
    if (!ep) continue;
    const others = dialects.filter((o) => o !== dialect);
    const exclusive = hasFlag(dialect, args, ep.exclusiveFlags);
    // another engine's signature counts only with a spelling this engine does not have (`--model` is both's)
    const theirs = args.filter((a) => !specIndex(dialect).has(canonicalFlag(dialect, a.text.split('=')[0]!)));
    const byNameAndFlags =
      (named || (typeof name === 'string' && ep.containerNames.includes(name))) &&
      hasFlag(dialect, args, dialect.signatureFlags) &&
      !others.some((o) => hasFlag(o, theirs, o.signatureFlags));
    if (!exclusive && !byNameAndFlags) continue;
    // `--model X` works with every entrypoint; a positional model needs `vllm serve`
    const launcher = ep.launcher;
    const label = [launcher.program, ...launcher.rest].join(' ');
    const why = exclusive ? `its args carry ${ep.exclusiveFlags.filter((f) => hasFlag(dialect, args, [f])).join(', ')}, which only ${dialect.kind} has` : named ? 'the config names it as the engine container and its flags are ' + dialect.kind + "'s" : 'of the container name and flags';
    const issues: ParseIssue[] = [
      {
        code: ISSUE_CODES.entrypointAssumed,
        severity: 'warning',
        path: 'image',
        message: `The container has no command and its image (${typeof image === 'string' ? image : 'unset'}) is not a known ${dialect.kind} image; assuming its entrypoint is \`${label}\` because ${why}. Set command: ["${launcher.program}", ${launcher.rest.map((r) => `"${r}"`).join(', ')}] to make it explicit.`,
      },
    ];
    return { dialect, launcher, label, rest: [...args], launch: { via: 'image-entrypoint' }, issues };
  }
  return undefined;
}
