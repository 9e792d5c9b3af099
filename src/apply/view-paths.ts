// Result paths in the file as read. On a re-render the rules read the planned view: each item without what pd-disagg
// injected before (the stripped view, src/plan/owned.ts stripOwned) with the plan's additions appended again. An entry
// the user added after pd-disagg's injected ones sits at a lower index there than in the file (env[0] in the view for
// the file's env[2]); a result must name the field the user edits in the file. This maps a view path back: an index
// below the stripped list's length is the user's entry, shifted by the entries the strip took out of that list before
// it; an index past it is an entry the plan appends, found in the file by its key (name, containerPort, mountPath)
// among the entries the strip took out. Anything else (the entry is not in the file, a key with dots) stays as it is.
import { getIn, formatPath, type Path } from '../paths.js';
import { entryKey, type Strip } from '../plan/owned.js';
import type { KObject, Result } from '../types.js';

/** kpt-style path text → its steps, when the text is exactly what formatPath prints for them (else undefined). */
function parse(text: string): Path | undefined {
  const steps: (string | number)[] = [];
  for (const m of text.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) steps.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
  return formatPath(steps) === text ? steps : undefined;
}

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * `viewPath` (a path in the planned view of an item: the stripped view with the plan's appends) as a path in the item
 * as read. `original` is the item as read, `strip` what stripOwned took out of it, `planned` the planned view.
 */
export function filePath(viewPath: string, original: KObject, strip: Strip, planned: KObject): string {
  const steps = parse(viewPath);
  if (!steps) return viewPath;
  const view: (string | number)[] = [];
  const file: (string | number)[] = [];
  for (const step of steps) {
    if (typeof step === 'number') {
      const stripped = getIn(strip.object, view);
      const kept = Array.isArray(stripped) ? stripped.length : 0;
      // the indices the strip took out of this list, in the file's numbering, ascending
      const removed = strip.deletions
        .filter((d) => d.length === file.length + 1 && samePath(d.slice(0, -1), file))
        .map((d) => Number(d[file.length]))
        .sort((a, b) => a - b);
      let index: number | undefined;
      if (step < kept) {
        index = step;
        for (const r of removed) if (r <= index) index++;
      } else {
        const listName = String(file.at(-1));
        const entry = (getIn(planned, view) as unknown[] | undefined)?.[step];
        const inFile = getIn(original, file);
        const key = entryKey(listName, entry);
        index = Array.isArray(inFile) ? removed.find((r) => entryKey(listName, inFile[r]) === key) : undefined;
      }
      if (index === undefined) return viewPath;
      view.push(step);
      file.push(index);
    } else {
      view.push(step);
      file.push(step);
    }
  }
  return formatPath(file);
}

export interface StrippedItem {
  ref: { kind: string; name: string; namespace?: string };
  original: KObject;
  strip: Strip;
  /** the item as the rules read it (the stripped view plus the plan's appends); the stripped view when not planned */
  planned: KObject;
}

const sameRef = (a: StrippedItem['ref'], b: Result['resourceRef']) =>
  !!b && a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** The results with each field path on a stripped item named as in the file. */
export function toFilePaths(results: Result[], items: readonly StrippedItem[]): Result[] {
  return results.map((r) => {
    const item = r.field?.path !== undefined ? items.find((i) => sameRef(i.ref, r.resourceRef)) : undefined;
    if (!item || !r.field) return r;
    return { ...r, field: { ...r.field, path: filePath(r.field.path, item.original, item.strip, item.planned) } };
  });
}
