// Mutations of golden ResourceLists for the property tests and `npm run fuzz`. A mutation is plain data (numbers and
// small enums) so fast-check can shrink it; applying it to a base text is deterministic.

import { parse, stringify } from 'yaml';

export type StructOp =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'hostileKey'; at: number; key: number; value: number }
  | { op: 'retype'; at: number; how: number }
  | { op: 'swap'; at: number; i: number; j: number }
  | { op: 'duplicateItem'; at: number }
  | { op: 'arg'; at: number; value: number };

export type TextOp =
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; char: number }
  | { op: 'crlf' }
  | { op: 'bom' }
  | { op: 'tab'; at: number }
  | { op: 'twoDocs' }
  | { op: 'json' };

export interface Mutation {
  base: number;
  struct: StructOp[];
  text: TextOp[];
}

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then'];

/** Values a field may be replaced with; JSON.parse makes `__proto__` an own key, as a YAML parser does. */
export const HOSTILE_VALUES: (() => unknown)[] = [
  () => null,
  () => 0,
  () => -1,
  () => 65536,
  () => 1e308,
  () => 12345678901234567890,
  () => '',
  () => 'x'.repeat(5000),
  () => true,
  () => [],
  () => ({}),
  () => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}'),
  () => 'constructor',
  () => '__proto__',
  () => 'line1\nline2\r\n\u001b[31mred\u001b[0m',
  () => '{"kv_connector":"NixlConnector","kv_role":"kv_both"',
  () => [[[[[[[[[[['deep']]]]]]]]]]],
  () => ({ a: { b: { c: { d: [1, { e: null }] } } } }),
  () => '--port=abc',
  () => 'vllm serve x --block-size 0',
  () => '$(rm -rf /)',
  () => '`touch /tmp/pwned`',
  () => 'sglang.launch_server',
  () => 'ResourceList',
  () => 'v1',
  () => 'Deployment',
];

const ARG_VALUES = [
  '--block-size=0',
  '--block-size=-16',
  '--block-size=99999999999999999999',
  '--port=0',
  '--port=abc',
  '--port',
  '--kv-transfer-config',
  '--kv-transfer-config={',
  '--kv-transfer-config={"kv_connector":"NixlConnector","kv_role":"kv_both","__proto__":{"polluted":1}}',
  '--kv-transfer-config=[]',
  '--kv-transfer-config=null',
  '--disaggregation-mode=prefill',
  '--disaggregation-mode=decode',
  '--page-size=3',
  '--tensor-parallel-size=1e9',
  '"unterminated',
  "'unterminated",
  '\\',
  '$(echo hi)',
  '${HOME}',
  '--',
  '',
  'vllm serve',
  'python3 -m sglang.launch_server --port 8000',
];

const INSERT_CHARS = ['[', ']', '{', '}', ':', '-', '&a ', '*a', '!', '|', '>', '#', '\t', '\r', '\n', '"', "'", '%', '@', '`', '\u0000', '\ufeff', ' ', '? ', ',', '<<: '];

type Path = (string | number)[];

/** Every path in a plain value (iteratively), root first. */
export function pathsOf(value: unknown): Path[] {
  const out: Path[] = [];
  const stack: { v: unknown; p: Path }[] = [{ v: value, p: [] }];
  while (stack.length > 0) {
    const { v, p } = stack.pop()!;
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, p: [...p, i] }));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) stack.push({ v: (v as Record<string, unknown>)[k], p: [...p, k] });
  }
  return out;
}

function getAt(root: unknown, path: Path): unknown {
  let cur = root;
  for (const k of path) cur = (cur as Record<string | number, unknown>)?.[k];
  return cur;
}

function setAt(root: unknown, path: Path, value: unknown): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  if (parent && typeof parent === 'object') Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(root: unknown, path: Path): void {
  if (path.length === 0) return;
  const parent = getAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[key as string];
}

const pick = <T>(list: readonly T[], n: number): T => list[Math.abs(n) % list.length]!;

export function applyStruct(root: unknown, op: StructOp): void {
  const paths = pathsOf(root);
  const path = pick(paths, op.at);
  switch (op.op) {
    case 'delete':
      deleteAt(root, path);
      break;
    case 'set':
      setAt(root, path, pick(HOSTILE_VALUES, op.value)());
      break;
    case 'hostileKey': {
      const target = getAt(root, path);
      if (target && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, pick(HOSTILE_KEYS, op.key), { value: pick(HOSTILE_VALUES, op.value)(), enumerable: true, writable: true, configurable: true });
      }
      break;
    }
    case 'retype': {
      const v = getAt(root, path);
      const how = Math.abs(op.how) % 4;
      const next = how === 0 ? [v] : how === 1 ? String(v) : how === 2 ? Number(v) : { value: v };
      setAt(root, path, Number.isNaN(next) ? 'NaN' : next);
      break;
    }
    case 'swap': {
      const arrays = paths.filter((p) => Array.isArray(getAt(root, p)));
      if (arrays.length === 0) break;
      const arr = getAt(root, pick(arrays, op.at)) as unknown[];
      if (arr.length < 2) break;
      const i = Math.abs(op.i) % arr.length;
      const j = Math.abs(op.j) % arr.length;
      [arr[i], arr[j]] = [arr[j], arr[i]];
      break;
    }
    case 'duplicateItem': {
      const items = (root as { items?: unknown })?.items;
      if (Array.isArray(items) && items.length > 0) items.push(structuredClone(pick(items, op.at)));
      break;
    }
    case 'arg': {
      const arrays = paths.filter((p) => ['args', 'command'].includes(String(p[p.length - 1])) && Array.isArray(getAt(root, p)));
      if (arrays.length === 0) break;
      const arr = getAt(root, pick(arrays, op.at)) as unknown[];
      arr.splice(Math.abs(op.value) % (arr.length + 1), 0, pick(ARG_VALUES, op.value));
      break;
    }
  }
}

export function applyText(text: string, op: TextOp): string {
  switch (op.op) {
    case 'truncate':
      return text.slice(0, Math.abs(op.at) % (text.length + 1));
    case 'insert': {
      const at = Math.abs(op.at) % (text.length + 1);
      return text.slice(0, at) + pick(INSERT_CHARS, op.char) + text.slice(at);
    }
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'bom':
      return `\ufeff${text}`;
    case 'tab': {
      const lines = text.split('\n');
      const i = Math.abs(op.at) % lines.length;
      lines[i] = lines[i]!.replace(/^ {2}/, '\t');
      return lines.join('\n');
    }
    case 'twoDocs':
      return `${text}\n---\n${text}`;
    case 'json':
      try {
        return JSON.stringify(parse(text, { logLevel: 'error' }));
      } catch {
        return text;
      }
  }
}

/** The mutated input text: structural mutations on the plain data (if any), then text mutations. */
export function mutate(bases: readonly string[], m: Mutation): string {
  let text = pick(bases, m.base);
  if (m.struct.length > 0) {
    const root = parse(text, { logLevel: 'error' });
    for (const op of m.struct) applyStruct(root, op);
    text = stringify(root);
  }
  for (const op of m.text) text = applyText(text, op);
  return text;
}
