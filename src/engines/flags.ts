// The generic argparse-like reader: turns the engine's argv (after the launcher) into flag occurrences,
// positionals and merged dotted-JSON objects, driven entirely by a Dialect table.

import type { Dialect, FlagSpec } from './dialects/types.js';
import { ISSUE_CODES } from './issue-codes.js';
import type { ContainerPath, FlagOccurrence, ParseIssue, Sourced } from './types.js';
import { decodeDottedValue, mergeInto } from './values.js';

export interface Token {
  text: string;
  path: ContainerPath;
  /** position in EngineModel.argv */
  index: number;
}

export interface DottedObject {
  value: Record<string, unknown>;
  /** path of the last piece */
  path: ContainerPath;
  /** per top-level key, the path of the piece that set it last */
  keyPaths: Map<string, ContainerPath>;
}

export interface ReadFlags {
  occurrences: FlagOccurrence[];
  positionals: Sourced<string>[];
  /** merged dotted pieces per canonical JSON flag */
  dotted: Map<string, DottedObject>;
  issues: ParseIssue[];
}

const specCache = new WeakMap<Dialect, Map<string, FlagSpec>>();

/** Every spelling of every flag in the table, to its spec. */
export function specIndex(d: Dialect): Map<string, FlagSpec> {
  let m = specCache.get(d);
  if (!m) {
    m = new Map();
    for (const f of d.flags) {
      m.set(f.name, f);
      for (const a of f.aliases ?? []) m.set(a, f);
    }
    specCache.set(d, m);
  }
  return m;
}

/** vLLM's rule: in `--a_b.c_d`, only the part before the first `.` has `_` turned into `-`. */
export function normaliseFlagName(d: Dialect, name: string): string {
  if (!d.underscoreToDash || !name.startsWith('--') || !name.includes('_')) return name;
  const dot = name.indexOf('.');
  const head = dot < 0 ? name : name.slice(0, dot);
  return head.replaceAll('_', '-') + (dot < 0 ? '' : name.slice(dot));
}

/** The canonical name of a flag spelling (alias resolved, underscores normalised); unknown flags are returned
 * normalised. */
export function canonicalFlag(d: Dialect, spelling: string): string {
  const n = normaliseFlagName(d, spelling);
  return specIndex(d).get(n)?.name ?? n;
}

function isNegativeNumber(s: string): boolean {
  if (s.length < 2 || s[0] !== '-') return false;
  let dot = false;
  let digits = 0;
  for (let i = 1; i < s.length; i++) {
    const c = s[i];
    if (c === '.' && !dot) dot = true;
    else if (c >= '0' && c <= '9') digits++;
    else return false;
  }
  return digits > 0;
}

/** Whether argparse would take this token as an option rather than a value. */
export function looksLikeFlag(s: string): boolean {
  return s.length > 1 && s[0] === '-' && !isNegativeNumber(s);
}

export function readFlags(d: Dialect, tokens: readonly Token[]): ReadFlags {
  const specs = specIndex(d);
  const occurrences: FlagOccurrence[] = [];
  const positionals: Sourced<string>[] = [];
  const dotted = new Map<string, DottedObject>();
  const issues: ParseIssue[] = [];
  let onlyPositionals = false;

  const missing = (flag: string, path: ContainerPath, what = 'a value'): void => {
    issues.push({
      code: ISSUE_CODES.missingValue,
      severity: 'error',
      path,
      message: `${flag} expects ${what} but none follows it; the engine will refuse to start. Give the value as ${flag}=<value> or as the next item.`,
    });
  };

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const text = t.text;
    if (onlyPositionals || !looksLikeFlag(text)) {
      positionals.push({ value: text, path: t.path, raw: text });
      continue;
    }
    if (text === '--') {
      onlyPositionals = true;
      continue;
    }
    const next = tokens[k + 1];
    const takeNext = (): Token | undefined => {
      if (next && !looksLikeFlag(next.text)) {
        k++;
        return next;
      }
      return undefined;
    };

    // Glued short options: -O3, -O=3.
    let glued: string | undefined;
    for (const short of Object.keys(d.gluedShort ?? {})) {
      if (text.startsWith(short) && text.length > short.length && !text.startsWith(short + '.')) glued = short;
    }
    if (glued && d.gluedShort) {
      const rest = text.slice(glued.length);
      const value = rest.startsWith('=') ? rest.slice(1) : rest;
      occurrences.push({ name: d.gluedShort[glued], spelling: glued, value, index: t.index, path: t.path });
      continue;
    }

    const eq = text.indexOf('=');
    const written = eq > 0 ? text.slice(0, eq) : text;
    const inline = eq > 0 ? text.slice(eq + 1) : undefined;
    const name = normaliseFlagName(d, written);

    // Dotted JSON pieces: --kv-transfer-config.kv_role kv_consumer, --x.list+ a,b
    const dot = name.indexOf('.');
    if (d.dottedJson && dot > 0) {
      const head = specs.get(name.slice(0, dot))?.name ?? name.slice(0, dot);
      let keyText = name.slice(dot + 1);
      const append = keyText.endsWith('+');
      if (append) keyText = keyText.slice(0, -1);
      let valueTok: Token | undefined;
      let valueText = inline;
      if (valueText === undefined) {
        // vLLM takes the next item whatever it looks like.
        valueTok = next;
        if (valueTok) k++;
        valueText = valueTok?.text;
      }
      if (valueText === undefined) {
        missing(written, t.path);
        continue;
      }
      const keys = keyText.split('.');
      const value = append ? valueText.split(',') : decodeDottedValue(valueText);
      let nested: Record<string, unknown> = {};
      let leaf: unknown = value;
      for (let j = keys.length - 1; j >= 0; j--) {
        nested = { [keys[j]]: leaf };
        leaf = nested;
      }
      const entry = dotted.get(head) ?? { value: {}, path: t.path, keyPaths: new Map<string, ContainerPath>() };
      mergeInto(entry.value, nested);
      entry.path = valueTok?.path ?? t.path;
      entry.keyPaths.set(keys[0], valueTok?.path ?? t.path);
      dotted.set(head, entry);
      occurrences.push({
        name: head,
        spelling: written,
        value: valueText,
        dottedKey: keys,
        index: t.index,
        path: t.path,
        valuePath: valueTok?.path,
      });
      continue;
    }

    let spec = specs.get(name);
    let negated = false;
    if (!spec && name.startsWith('--no-')) {
      const base = specs.get('--' + name.slice(5));
      if (base?.arity === 'bool') {
        spec = base;
        negated = true;
      }
    }
    const canonical = spec?.name ?? name;
    const arity = spec?.arity ?? (name.startsWith('--no-') ? 'bool' : undefined);

    if (arity === 'bool') {
      if (inline !== undefined) {
        issues.push({
          code: ISSUE_CODES.unexpectedValue,
          severity: 'error',
          path: t.path,
          message: `${written} is a switch and takes no value, but "=${inline}" was given; the engine rejects it. Write ${written} alone${spec?.negatable ? ` (or --no-${canonical.slice(2)} to turn it off)` : ''}.`,
        });
      }
      occurrences.push({ name: canonical, spelling: written, negated: negated || undefined, index: t.index, path: t.path });
      continue;
    }

    if (arity === 'many') {
      if (inline !== undefined) {
        occurrences.push({ name: canonical, spelling: written, value: inline, index: t.index, path: t.path });
        continue;
      }
      const first = takeNext();
      if (!first) {
        missing(written, t.path, 'one or more values');
        continue;
      }
      const values = [first.text];
      while (tokens[k + 1] && !looksLikeFlag(tokens[k + 1].text)) values.push(tokens[++k].text);
      occurrences.push({
        name: canonical,
        spelling: written,
        value: values.join(' '),
        index: t.index,
        path: t.path,
        values,
        valuePath: first.path,
      });
      continue;
    }

    // 'one' or an unknown flag
    if (inline !== undefined) {
      occurrences.push({ name: canonical, spelling: written, value: inline, index: t.index, path: t.path });
      continue;
    }
    const v = takeNext();
    if (!v) {
      if (spec) missing(written, t.path);
      // an unknown flag without a value is taken as a switch
      occurrences.push({ name: canonical, spelling: written, index: t.index, path: t.path });
      continue;
    }
    occurrences.push({ name: canonical, spelling: written, value: v.text, index: t.index, path: t.path, valuePath: v.path });
  }
  return { occurrences, positionals, dotted, issues };
}
