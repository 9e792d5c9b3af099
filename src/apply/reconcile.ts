// Reconcile: bring the items to the plan, for one pair. The engines: what the plan injects, against what the record
// says pd-disagg injected before (src/plan/owned.ts); the generated objects: the plan's, against the ones marked with
// this pair. Unchanged items are not touched; changed ones are rewritten through the document (src/read/items.ts);
// what the config no longer wants is removed, and each removal is an info result.

import { describe } from '../discover/workloads.js';
import type { PdConfig } from '../config/types.js';
import {
  ABSENT,
  applyPlain,
  carryKey,
  formatLocator,
  formatRecord,
  CONFIG_ANNOTATION,
  INJECTED_ANNOTATION,
  ownedBy,
  PAIR_ANNOTATION,
  stripOwned,
  unitOf,
  type Strip,
  type Unit,
} from '../plan/owned.js';
import type { Op, Plan } from '../plan/types.js';
import { getIn } from '../paths.js';
import type { Item, ResourceDocument } from '../read/items.js';
import { itemPackage } from '../read/kpt-annotations.js';
import { isManagedByUs, UNKNOWN_NAMESPACE_SUBJECT } from '../router/stack.js';
import { isPlainObject, refOf, sameRef, type KObject, type ResourceRef, type Result } from '../types.js';
import { newResourceAnnotations, nextIndexInFile } from './annotations.js';
import { applyOps, deepEqual, sameWithoutToolAnnotations, userOwned } from './apply.js';
import { mergeGenerated } from './generated-merge.js';

/** The items as a fresh render would see them: this pair's injections taken out of the engines that carry them. */
export interface OwnedView {
  pair: string;
  /** the config's identity (configIdOf): objects of another pair made by the same config are this render's too */
  configId?: string;
  /** the kpt package of the config (its package-path): objects of other packages are never this render's */
  configPackage?: string;
  items: Item[];
  /** view item → the item as read */
  original: Map<Item, Item>;
  strips: Map<Item, Strip>;
}

export function ownedView(items: readonly Item[], pair: string, form: PdConfig['form'], configId?: string, configPackage?: string): OwnedView {
  const view: OwnedView = {
    pair,
    items: [],
    original: new Map(),
    strips: new Map(),
    ...(configId !== undefined ? { configId } : {}),
    ...(configPackage !== undefined ? { configPackage } : {}),
  };
  for (const item of items) {
    const annotations = item.object.metadata?.annotations;
    const mine =
      isPlainObject(annotations) &&
      ownedBy(annotations, pair, configId, configPackage) &&
      !isManagedByUs(item.object) &&
      (Object.hasOwn(annotations, INJECTED_ANNOTATION) || Object.hasOwn(annotations, PAIR_ANNOTATION));
    if (!mine) {
      view.items.push(item);
      view.original.set(item, item);
      continue;
    }
    const strip = stripOwned(item.object, form);
    const viewItem: Item = { index: item.index, ref: item.ref, object: strip.object };
    view.items.push(viewItem);
    view.original.set(viewItem, item);
    view.strips.set(item, strip);
  }
  return view;
}

export interface ReconcileOutcome {
  results: Result[];
  /** what changed, per resource, in order; each removal is a note starting with "removed" */
  changes: { ref: ResourceRef; notes: string[] }[];
}

export function reconcile(input: ResourceDocument, view: OwnedView, plan: Plan, form: PdConfig['form'], newFile: string): ReconcileOutcome {
  const results: Result[] = [];
  const changes: { ref: ResourceRef; notes: string[] }[] = [];

  // ---- engines ----
  const opsByItem = new Map<Item, Extract<Op, { op: 'ensure' | 'append' }>[]>();
  for (const op of plan.ops) {
    if (op.op === 'upsert') continue;
    const original = view.original.get(op.item) ?? op.item;
    const list = opsByItem.get(original) ?? [];
    list.push(op);
    opsByItem.set(original, list);
  }
  const affected = [...new Set([...view.strips.keys(), ...opsByItem.keys()])].sort((a, b) => a.index - b.index);
  for (const item of affected) {
    const strip = view.strips.get(item);
    const viewObject = strip?.object ?? item.object;
    const ops = opsByItem.get(item) ?? [];
    const sim = structuredClone(viewObject);
    const units: Unit[] = [];
    const notes: string[] = [];
    const before = new Map((strip?.stripped ?? []).map((u) => [formatLocator(u.locator), u]));
    const finalOps: Op[] = [];
    for (const op of ops) {
      // a value the user wrote wins: the ensure sets nothing, and nothing is pd-disagg's
      if (op.op === 'ensure' && getIn(sim, op.path) !== undefined && getIn(sim, op.path) !== null) continue;
      const unit = unitOf(sim, op);
      let value = op.value;
      if (unit && unit.fields && strip && isPlainObject(value)) {
        const carried = strip.carried.get(carryKey(unit.locator));
        if (carried) {
          const merged: KObject = { ...value };
          // fields the record does not list are the user's: added by hand, or released earlier (no knob); they win
          for (const [k, v] of Object.entries(carried.extra)) {
            merged[k] = v;
            delete unit.fields[k];
          }
          for (const [k, v] of Object.entries(carried.override)) {
            merged[k] = v;
            delete unit.fields[k];
          }
          // taken out by hand (no knob): kept out, and recorded as absent so that the next render keeps it out too
          for (const k of carried.removed) {
            delete merged[k];
            if (Object.hasOwn(unit.fields, k)) unit.fields[k] = ABSENT;
          }
          value = merged;
        }
      }
      const finalOp = { ...op, value };
      applyPlain(sim, finalOp);
      finalOps.push(finalOp);
      if (!unit) continue;
      units.push(unit);
      const key = formatLocator(unit.locator);
      const old = before.get(key);
      if (!old) notes.push(`${op.op === 'ensure' ? 'set' : 'added'} ${op.note}`);
      else if (JSON.stringify(old.hash ?? old.fields) !== JSON.stringify(unit.hash ?? unit.fields)) notes.push(`updated ${op.note}`);
      before.delete(key);
    }
    if (units.length > 0) {
      const meta = (sim.metadata ??= {});
      const annotations = isPlainObject(meta.annotations) ? meta.annotations : (meta.annotations = {});
      annotations[PAIR_ANNOTATION] = view.pair;
      if (view.configId !== undefined) annotations[CONFIG_ANNOTATION] = view.configId;
      annotations[INJECTED_ANNOTATION] = formatRecord(units);
    }
    if (strip) {
      for (const c of strip.conflicts) {
        const what = c.current === undefined ? 'was removed by hand' : `was edited by hand (${JSON.stringify(c.current)})`;
        results.push({
          message:
            `${c.path} ${what}; pd-disagg sets it from the config, so it is brought back: ` +
            `set ${c.knob} in the pd-disagg config instead`,
          severity: 'warning',
          resourceRef: item.ref,
          field: c.current === undefined ? { path: c.path } : { path: c.path, currentValue: c.current },
        });
      }
      for (const r of strip.released) {
        const message =
          r.current === undefined
            ? `${r.path} was removed by hand; the pd-disagg config has no knob for it, so it stays removed: pd-disagg no longer ` +
              `sets it (the ${INJECTED_ANNOTATION} annotation records it as ${r.field}=${ABSENT}; take that out to let pd-disagg set it again)`
            : `${r.path} was edited by hand (${JSON.stringify(r.current)}); the pd-disagg config has no knob for it, so your edit is kept ` +
              `and is yours from now on: pd-disagg no longer sets, updates or removes ${r.entry ? 'this entry' : 'this field'} ` +
              '(delete it to let pd-disagg manage it again)';
        results.push({
          message,
          severity: 'info',
          resourceRef: item.ref,
          field: r.current === undefined ? { path: r.path } : { path: r.path, currentValue: r.current },
        });
      }
    }
    if (deepEqual(sim, item.object)) continue;
    // rewrite: take the old injections out of the Document exactly as out of the view, then apply the plan
    for (const path of strip?.deletions ?? []) input.delete(item, path);
    const markerOps: Op[] =
      units.length > 0
        ? [
            { op: 'ensure', item: viewItemOf(view, item), path: ['metadata', 'annotations', PAIR_ANNOTATION], value: view.pair, note: 'pair marker' },
            ...(view.configId !== undefined
              ? [{ op: 'ensure' as const, item: viewItemOf(view, item), path: ['metadata', 'annotations', CONFIG_ANNOTATION], value: view.configId, note: 'config marker' }]
              : []),
            { op: 'ensure', item: viewItemOf(view, item), path: ['metadata', 'annotations', INJECTED_ANNOTATION], value: formatRecord(units), note: 'injection record' },
          ]
        : [];
    const applied = applyOps(input, [...finalOps, ...markerOps], newFile);
    results.push(...applied.results);
    const wasPair = item.object.metadata?.annotations?.[PAIR_ANNOTATION];
    for (const key of before.keys()) notes.push(`removed ${key} (injected for pair ${typeof wasPair === 'string' ? wasPair : view.pair}; the config no longer asks for it)`);
    if (notes.length > 0) changes.push({ ref: item.ref, notes });
  }

  // ---- generated objects ----
  const desired = plan.generated;
  const desiredRefs = desired.map(refOf);
  const removed = new Set<Item>();
  const added: { object: KObject; at: number }[] = [];
  // with nested kpt packages, an object of another package is never this render's, even with the same identity (a
  // copy of this package in a subdirectory holds the same stack): this render's objects live in its config's package
  const ours = (it: Item) => view.configPackage === undefined || (itemPackage(it.object.metadata?.annotations) ?? view.configPackage) === view.configPackage;
  let newIndex = nextIndexInFile(input.items.filter(ours), newFile);
  for (const [i, object] of desired.entries()) {
    const ref = desiredRefs[i]!;
    const existing = input.items.find((it) => sameRef(it.ref, ref) && ours(it));
    if (!existing) {
      const withPath = structuredClone(object);
      withPath.metadata.annotations = { ...(withPath.metadata.annotations ?? {}), ...newResourceAnnotations(newFile, newIndex++) };
      added.push({ object: withPath, at: i });
      changes.push({ ref, notes: ['added by pd-disagg'] });
      continue;
    }
    if (!isManagedByUs(existing.object)) {
      results.push(userOwned(ref));
      continue;
    }
    const owner = existing.object.metadata?.annotations?.[PAIR_ANNOTATION];
    if (typeof owner === 'string' && !ownedBy(existing.object.metadata?.annotations, view.pair, view.configId, view.configPackage)) {
      results.push({
        message:
          `${describe(ref)} was generated by pd-disagg for the pair of ${owner}, not for ${view.pair}: two pairs cannot share a name; ` +
          'give this pair another name (metadata.name of its PrefillDecode, or name= of its ConfigMap)',
        severity: 'error',
        resourceRef: ref,
        field: { path: 'metadata.name' },
      });
      continue;
    }
    // unchanged (what a re-render without a config change meets): no merge, nothing copied
    if (sameWithoutToolAnnotations(existing.object, object)) continue;
    const fresh = mergeGenerated(object, existing.object);
    if (sameWithoutToolAnnotations(existing.object, fresh)) continue;
    input.replace(existing, fresh);
    changes.push({ ref, notes: ['refreshed by pd-disagg'] });
  }
  const binding = desired.find((o) => o.kind === 'ClusterRoleBinding');
  if (binding && plan.namespace === undefined) {
    results.push({
      message:
        `${describe(refOf(binding))} (the EPP's /metrics auth) is cluster-scoped, and the engines carry no namespace: its name holds none ` +
        `and its subject is the ServiceAccount in namespace ${UNKNOWN_NAMESPACE_SUBJECT}, which kpt set-namespace and a kustomize namespace ` +
        'rewrite; one package rendered into two namespaces would share the name, so set the namespace before pd-disagg runs ' +
        '(metadata.namespace of the workloads), or turn the auth off with metricsAuth: false in the pd-disagg config',
      severity: 'info',
      resourceRef: refOf(binding),
    });
  }
  for (const item of input.items) {
    const meta = item.object.metadata;
    if (!isManagedByUs(item.object) || !ownedBy(meta?.annotations, view.pair, view.configId, view.configPackage)) continue;
    if (desiredRefs.some((r) => sameRef(r, item.ref))) continue;
    removed.add(item);
    changes.push({ ref: item.ref, notes: [`removed by pd-disagg (generated for pair ${String(meta?.annotations?.[PAIR_ANNOTATION])}; the config no longer asks for it)`] });
  }
  for (const item of removed) input.remove(item);
  // a new object goes before the next desired one that is already there (unless that one goes), else at the end
  const existingOf = (i: number): Item | undefined => input.items.find((it) => sameRef(it.ref, desiredRefs[i]!) && ours(it));
  for (const { object, at } of added) {
    let anchor: Item | undefined;
    for (let j = at + 1; j < desired.length && !anchor; j++) anchor = existingOf(j);
    input.add(object, anchor && !removed.has(anchor) ? anchor : undefined);
  }
  return { results, changes };
}

function viewItemOf(view: OwnedView, original: Item): Item {
  for (const [v, o] of view.original) if (o === original) return v;
  return original;
}
