// Bounded YAML: parse with the `yaml` package, but check the nesting depth on the concrete syntax tree (built without
// recursion) before composing (which recurses once per level), and check the plain data (alias expansion included)
// for cycles, depth and size before anything walks it. Every check fails with an InputError that says where.

import { yamlErrorText } from './yaml-error.js';
import { Composer, isAlias, isMap, isSeq, LineCounter, Parser, visit, type CST, type Document, type Node } from 'yaml';
import { DEFAULT_MAX_INPUT_BYTES, MAX_ALIAS_COUNT, MAX_DEPTH, tooLargeMessage, type Limits } from './limits.js';
import { blockCst } from './block-cst.js';
import { parseOptions, SourceScalar } from './yaml-options.js';

/** A problem with the input itself: reported on stderr, exit 1. */
export class InputError extends Error {}

export const DEFAULT_LIMITS: Limits = { maxInputBytes: DEFAULT_MAX_INPUT_BYTES, maxDepth: MAX_DEPTH, maxAliasCount: MAX_ALIAS_COUNT };

/**
 * Parse a YAML stream into Documents (errors stay on each Document), refusing nesting deeper than limits.maxDepth.
 * `compose` may hand the Composer a changed tree (src/read/lazy-items.ts leaves items out); the depth is checked on
 * the whole one.
 */
export function parseDocumentsBounded(
  text: string,
  limits: Limits,
  what = 'stdin',
  compose?: (tokens: CST.Token[], fast: boolean) => CST.Token[],
): Document.Parsed[] {
  const lineCounter = new LineCounter();
  // the common block YAML through the fast reader (the same syntax tree, src/read/block-cst.ts), the rest through yaml's
  const fast = blockCst(text);
  if (fast) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  }
  const tokens = fast ?? Array.from(new Parser(lineCounter.addNewLine).parse(text));
  for (const token of tokens) {
    const deep = firstTooDeep(token, limits.maxDepth);
    if (deep !== undefined) {
      const { line, col } = lineCounter.linePos(deep);
      throw new InputError(
        `${what} nests mappings and sequences more than ${limits.maxDepth} levels deep (at line ${line}, column ${col}); ` +
          'no Kubernetes object needs that: the input is corrupt or hostile',
      );
    }
  }
  const composer = new Composer(parseOptions);
  const docs = Array.from(composer.compose(compose ? compose(tokens, fast !== undefined) : tokens, true, text.length)) as Document.Parsed[];
  for (const doc of docs) for (const e of doc.errors) e.message = withPosition(e.message, e.pos?.[0], lineCounter);
  return docs;
}

function withPosition(message: string, offset: number | undefined, lc: LineCounter): string {
  if (offset === undefined) return message;
  const { line, col } = lc.linePos(offset);
  return `${message} (line ${line}, column ${col})`;
}

type Walk = { token: CST.Token | null | undefined; depth: number };

/** The offset of the first collection nested deeper than max, walking the CST with an explicit stack. */
function firstTooDeep(root: CST.Token, max: number): number | undefined {
  const stack: Walk[] = [{ token: root, depth: 0 }];
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push({ token: token.value, depth });
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const d = depth + 1;
        if (d > max) return token.offset;
        for (const item of token.items as { key?: CST.Token | null; value?: CST.Token }[]) {
          stack.push({ token: item.key, depth: d }, { token: item.value, depth: d });
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}

/**
 * A node as plain data, with aliases resolved under maxAliasCount, then checked: no cycles (`&a [*a]`), no nesting
 * deeper than maxDepth once aliases are expanded, and no more than maxInputBytes of expanded text. Aliases come back
 * as shared references, so anything that walks the result as a tree (JSON, schema validation, deep compare) would
 * otherwise do the exponential work the alias count was meant to prevent.
 */
export function toPlainBounded(node: Node | Document, doc: Document, limits: Limits, what: string): unknown {
  let value: unknown;
  try {
    value = (node as Node).toJS(doc, { maxAliasCount: limits.maxAliasCount });
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (/Excessive alias count/.test(message)) {
      throw new InputError(`${what} expands YAML aliases more than ${limits.maxAliasCount} times ("billion laughs"): expand them by hand or drop the aliases`);
    }
    throw new InputError(`${what} cannot be read: ${message.split('\n')[0]}`);
  }
  checkPlain(value, limits, what);
  return unwrapScalars(value);
}

/**
 * A node as plain data, without the checks: for data already bounded as a whole and holding no aliases (what
 * readResourceList has after its checks), where walking it again would only repeat them.
 */
export function toPlain(node: Node, doc: Document): unknown {
  return unwrapScalars(node.toJS(doc));
}

/**
 * Node#toJS keeps scalar values as the schema made them, so numbers and booleans come out as SourceScalar (which keeps
 * their text for writing). The plain view is for reading: give it plain numbers and booleans. In place, iterative.
 */
function unwrapScalars(value: unknown): unknown {
  if (value instanceof SourceScalar) return value.value;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (v[i] instanceof SourceScalar) v[i] = (v[i] as SourceScalar).value;
        else stack.push(v[i]);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const x = o[k];
        if (x instanceof SourceScalar) Object.defineProperty(o, k, { value: x.value, enumerable: true, writable: true, configurable: true });
        else stack.push(x);
      }
    }
  }
  return value;
}

/** Iterative walk of plain data: cycles, depth and expanded size. */
export function checkPlain(value: unknown, limits: Limits, what: string): void {
  let size = 0;
  const onPath = new Set<object>();
  // a frame is entered (push children) then left (remove from the path)
  const stack: { v: unknown; depth: number; leave?: boolean; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { v, depth, path } = frame;
    if (frame.leave) {
      onPath.delete(v as object);
      continue;
    }
    if (typeof v === 'string') size += v.length;
    else size += 8;
    if (size > limits.maxInputBytes) throw new InputError(tooLargeMessage(`${what}, once YAML aliases are expanded,`, limits.maxInputBytes));
    if (typeof v !== 'object' || v === null) continue;
    if (onPath.has(v)) {
      throw new InputError(`${what}${path ? ` at ${path}` : ''} refers to itself through a YAML alias: a Kubernetes object cannot be recursive`);
    }
    if (depth + 1 > limits.maxDepth) {
      throw new InputError(`${what} nests more than ${limits.maxDepth} levels deep once YAML aliases are expanded${path ? ` (at ${path})` : ''}`);
    }
    onPath.add(v);
    stack.push({ v, depth, leave: true, path });
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    } else if (v instanceof Map) {
      for (const [k, x] of v) stack.push({ v: x, depth: depth + 1, path: `${path}.${String(k)}` });
    } else {
      for (const k of Object.keys(v)) {
        size += k.length;
        stack.push({ v: (v as Record<string, unknown>)[k], depth: depth + 1, path: path ? `${path}.${k}` : k });
      }
    }
  }
}

/**
 * One YAML document held in a string (e.g. an EndpointPickerConfig in a ConfigMap) as plain data, with the same bounds
 * as the input. Throws an Error whose message is one readable line.
 */
export function parseYamlValue(text: string, limits: Limits = DEFAULT_LIMITS, what = 'the value'): unknown {
  if (text.length > limits.maxInputBytes) throw new InputError(tooLargeMessage(what, limits.maxInputBytes));
  const docs = parseDocumentsBounded(text, limits, what).filter((d) => d.contents !== null || d.errors.length > 0);
  if (docs.length === 0) return null;
  if (docs.length > 1) throw new InputError(`${what} holds ${docs.length} YAML documents, expected one`);
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw new InputError(yamlErrorText(doc.errors[0]!, text));
  return toPlainBounded(doc.contents as Node, doc, limits, what);
}

/**
 * Replace every alias inside the given nodes by a copy of what it points to, so that an edit made through one node
 * never shows up somewhere else, and the Document holds exactly the data the plain view shows. kustomize de-anchors
 * its input in the same way. Call only after toPlainBounded has accepted the data (no cycles, bounded size).
 */
export function expandAliases(doc: Document): boolean {
  const anchors = new Map<string, Node>();
  const referenced = new Set<Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) return undefined; // unresolvable aliases were already refused by toPlainBounded
        referenced.add(target);
        const copy = target.clone() as Node;
        stripAnchors(copy);
        // the copy stands where the alias stood: the comments and blank line there are the alias's, not the target's
        copy.comment = node.comment;
        copy.commentBefore = node.commentBefore;
        copy.spaceBefore = node.spaceBefore;
        return copy;
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
  for (const node of referenced) delete (node as { anchor?: string }).anchor;
  return referenced.size > 0;
}

function stripAnchors(node: Node): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as { anchor?: string; items?: unknown[]; key?: unknown; value?: unknown } | null;
    if (!n || typeof n !== 'object') continue;
    if ('anchor' in n && n.anchor) delete n.anchor;
    if (isMap(n) || isSeq(n)) for (const item of n.items as unknown[]) stack.push(item);
    else if ('key' in n || 'value' in n) stack.push(n.key, n.value);
  }
}
