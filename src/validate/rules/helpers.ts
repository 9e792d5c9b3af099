// Small helpers shared by the pair rules: where a finding points, which sides to look at, and a reader for the few
// pod-level facts (volumes, resources, ports) the rules need from the workload's serving pod template.

import { kvConnectors } from '../../engines/index.js';
import type { EngineModel, KvTransferConfig, Sourced } from '../../engines/types.js';
import { isPlainObject, type KObject } from '../../types.js';
import type { EngineSide, PairContext, StageSide } from '../context.js';
import type { Finding } from '../registry.js';

/** The field path of something in an engine container: the arg that set it, or the container's args when defaulted. */
export function enginePath(side: StageSide, relative: string | undefined): string {
  return `${side.containerPath}.${relative ?? 'args'}`;
}

/** The field of the engine container at `relative` is one the plan adds, not one the user wrote. */
export function fromPlan(side: EngineSide, relative: string): boolean {
  return side.planned.has(enginePath(side, relative));
}

/** A finding on one side's engine container. */
export function at(side: StageSide, relative: string | undefined, message: string, extra: Partial<Finding> = {}): Finding {
  return { message, resource: side.resource, path: enginePath(side, relative), ...extra };
}

export const sides = (ctx: PairContext) => [ctx.prefill, ctx.decode] as const;

/** The role each side should declare in its KV transfer config. */
export const RIGHT_ROLE = { prefill: 'kv_producer', decode: 'kv_consumer' } as const;

/** NixlConnector is the backward-compatible name of NixlPullConnector (vLLM 2026); push is a different protocol. */
export function normaliseConnector(name: unknown): string | undefined {
  if (typeof name !== 'string' || name === '') return undefined;
  return name === 'NixlConnector' ? 'NixlPullConnector' : name;
}

/** The connectors that carry KV (a MultiConnector's children, else the config itself), with their names set. */
export function connectorsOf(engine: EngineModel): KvTransferConfig[] {
  return kvConnectors(engine.kvTransferConfig?.value).filter((c) => typeof c.kv_connector === 'string' && c.kv_connector !== '');
}

/** Whether an engine's value for a flag may come from a `--config` file this tool does not read. */
export function mayBeInConfigFile(engine: EngineModel, value: Sourced<unknown> | undefined): boolean {
  return engine.configFile !== undefined && value?.path === undefined;
}

// ------------------------------------------------------------------ pod template

/** The engine container's mount that holds `path` (the deepest mount at or above it) and the pod volume behind it:
 * `index` in volumeMounts, `volumeIndex` in the pod's volumes (-1 when the pod defines no volume of that name). */
export function mountAt(side: StageSide, path: string): { mount: KObject; index: number; volume?: KObject; volumeIndex: number } | undefined {
  const mounts = Array.isArray(side.container.volumeMounts) ? (side.container.volumeMounts as unknown[]) : [];
  const trim = (p: string) => p.replace(/\/+$/, '') || '/';
  const want = trim(path);
  let best: { mount: KObject; index: number; at: string } | undefined;
  mounts.forEach((m, index) => {
    if (!isPlainObject(m) || typeof m.mountPath !== 'string') return;
    const at = trim(m.mountPath);
    const covers = want === at || want.startsWith(at === '/' ? '/' : `${at}/`);
    if (covers && (!best || best.at.length < at.length)) best = { mount: m, index, at };
  });
  if (!best) return undefined;
  const { mount, index } = best as { mount: KObject; index: number };
  const volumes = side.template.spec?.volumes;
  const volumeIndex = Array.isArray(volumes) ? volumes.findIndex((v: unknown) => isPlainObject(v) && v.name === mount.name) : -1;
  return { mount, index, ...(volumeIndex >= 0 ? { volume: volumes[volumeIndex] as KObject } : {}), volumeIndex };
}

/** Every container of the pod (init and regular), with its kpt path. */
export function podContainers(side: StageSide): Array<{ container: KObject; path: string }> {
  const spec = side.template.spec;
  const out: Array<{ container: KObject; path: string }> = [];
  if (!isPlainObject(spec)) return out;
  for (const list of ['initContainers', 'containers'] as const) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c, i) => {
      if (isPlainObject(c)) out.push({ container: c, path: `${side.templatePath}.spec.${list}[${i}]` });
    });
  }
  return out;
}

const UNITS: Record<string, number> = {
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  m: 1e-3,
};

/** A Kubernetes resource quantity (`20Gi`, `16G`, `1.5e9`, `512Mi`) in bytes; undefined when it is not one. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1] + (m[2] ?? ''));
  return m[3] ? n * UNITS[m[3]]! : n;
}
