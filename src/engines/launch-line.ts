// The launch line: command and args read as strings, and the launcher (vllm serve, python -m sglang.launch_server, an
// image's entrypoint) found in them.

import type { KObject } from '../types.js';
import { DIALECTS } from './dialects/index.js';
import { readEnv, type EnvRead, type RuntimeEnv } from './env.js';
import { expandKubeVars } from './expand.js';
import { ISSUE_CODES } from './issue-codes.js';
import { findLauncher, inferEntrypoint, type FoundLauncher, type LineToken } from './launch.js';
import type { ShellLookup } from './shell.js';
import type { ParseIssue } from './types.js';

export interface LaunchLocation {
  found: FoundLauncher;
  envRead: EnvRead;
  issues: ParseIssue[];
}

function readLine(container: KObject, envRead: EnvRead, issues: ParseIssue[]): { all: LineToken[]; args: LineToken[]; hasCommand: boolean } {
  const all: LineToken[] = [];
  const args: LineToken[] = [];
  let hasCommand = false;
  for (const key of ['command', 'args'] as const) {
    const list: unknown = container[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      issues.push({ code: ISSUE_CODES.notAList, severity: 'error', path: key, message: `${key} must be a list of strings; it is ignored.` });
      continue;
    }
    if (key === 'command' && list.length > 0) hasCommand = true;
    list.forEach((item: unknown, i: number) => {
      const path = `${key}[${i}]`;
      let text: string;
      if (typeof item === 'string') text = item;
      else if (typeof item === 'number' || typeof item === 'boolean') {
        text = String(item);
        issues.push({ code: ISSUE_CODES.nonStringItem, severity: 'error', path, message: `${path} is a ${typeof item}; Kubernetes requires strings in ${key}. Quote it ("${text}").` });
      } else {
        issues.push({ code: ISSUE_CODES.nonStringItem, severity: 'error', path, message: `${path} is ${item === null ? 'null' : `a ${Array.isArray(item) ? 'list' : typeof item}`}, not a string; it is ignored. Write it as a string.` });
        return;
      }
      const tok = { text: expandKubeVars(text, (n) => envRead.literal.get(n)), path };
      all.push(tok);
      if (key === 'args') args.push(tok);
    });
  }
  return { all, args, hasCommand };
}

export function locate(container: KObject, runtimeEnv: RuntimeEnv = {}, named = false): LaunchLocation | undefined {
  const issues: ParseIssue[] = [];
  const envRead = readEnv(container, issues);
  const line = readLine(container, envRead, issues);
  const lookup: ShellLookup = (name) => {
    const v = envRead.literal.get(name);
    if (v !== undefined) return v;
    if (envRead.opaque.has(name) || envRead.hasEnvFrom) return null;
    return Object.hasOwn(runtimeEnv, name) ? runtimeEnv[name] : undefined;
  };
  let found = findLauncher(line.all, DIALECTS, lookup);
  if (!found && !line.hasCommand) found = inferEntrypoint(container.image, container.name, line.args, DIALECTS, named);
  return found ? { found, envRead, issues } : undefined;
}
