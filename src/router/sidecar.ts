// The routing sidecar (pd-sidecar): build one for a version, recognise existing ones, read where they forward, and
// flag arguments a version would refuse.
import { split as shellSplit } from 'shlex';
import type { Finding, KObject, Severity } from '../types.js';
import { isPlainObject } from '../types.js';
import { basename, isShell, parseImage } from '../names.js';
import { routerTable } from './table.js';
import type { RouterVersion, SidecarConnector, SidecarKvWiring, SidecarOptions, SidecarTarget } from './types.js';
import { ROUTER_VERSIONS } from './types.js';
import { envValue, flagValue, kvConnectors } from '../engines/index.js';
import type { EngineModel } from '../engines/types.js';

export const SIDECAR_CONTAINER_NAME = 'routing-proxy';
export const SIDECAR_PORT_NAME = 'sidecar';
const SIDECAR_NAMES = new Set(['routing-proxy', 'pd-sidecar', 'llm-d-routing-sidecar']);
const SIDECAR_IMAGES = new Set(['llm-d-routing-sidecar', 'llm-d-router-disagg-sidecar']);
const SIDECAR_BINARY = 'pd-sidecar';

function assertPort(name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw new RangeError(`SidecarOptions.${name} must be a TCP port, got ${JSON.stringify(value)}`);
  }
}

/** A routing sidecar for `version`: a native sidecar (initContainer, restartPolicy Always) unless opts.native is false. */
export function buildSidecarContainer(version: RouterVersion, opts: SidecarOptions): KObject {
  const table = routerTable(version);
  assertPort('enginePort', opts.enginePort);
  assertPort('listenPort', opts.listenPort);
  if (!table.sidecar.kvConnectors.includes(opts.connector)) {
    throw new RangeError(`router ${version} sidecar does not support --kv-connector=${opts.connector}`);
  }
  if (opts.ecConnector !== undefined && !table.sidecar.ecConnectors.includes(opts.ecConnector)) {
    throw new RangeError(`router ${version} sidecar does not support --${table.sidecar.ecConnectorFlag}=${opts.ecConnector}`);
  }
  // the prefill-side port the connector dials, when it is not the sidecar's default: its flag, else its env var
  const port = table.sidecar.kvWiring[opts.connector]?.prefillPort;
  const portArg: string[] = [];
  const portEnv: Array<{ name: string; value: string }> = [];
  if (port && opts.prefillPort !== undefined && opts.prefillPort !== port.default) {
    assertPort('prefillPort', opts.prefillPort);
    if (port.flag) portArg.push(`--${port.flag}=${opts.prefillPort}`);
    else portEnv.push({ name: port.env, value: String(opts.prefillPort) });
  }
  const container: KObject = {
    name: SIDECAR_CONTAINER_NAME,
    image: opts.image ?? `${table.images.sidecar}:${table.images.tag}`,
    imagePullPolicy: 'IfNotPresent',
    args: [
      `--${table.sidecar.listenFlag}=${opts.listenPort}`,
      // always explicit: the default engine port moved from 8001 to 8200 in v0.10.0 (llm-d-router #1723)
      `--${table.sidecar.enginePortFlags[0]}=${opts.enginePort}`,
      `--${table.sidecar.connectorFlag}=${opts.connector}`,
      ...portArg,
      ...(opts.ecConnector !== undefined ? [`--${table.sidecar.ecConnectorFlag}=${opts.ecConnector}`] : []),
      '--secure-proxy=false',
    ],
    ports: [{ containerPort: opts.listenPort, name: SIDECAR_PORT_NAME, protocol: 'TCP' }],
  };
  const env = [...portEnv, ...(opts.env ?? [])];
  if (env.length > 0) container.env = env.map((e) => ({ ...e }));
  const dp = opts.dataParallelSize ?? 1;
  if (dp > 1) {
    (container.args as string[]).push(`--${table.sidecar.dataParallelFlag}=${dp}`);
    for (let rank = 1; rank < dp; rank++) {
      (container.ports as KObject[]).push({ containerPort: opts.listenPort + rank, name: `${SIDECAR_PORT_NAME}-dp${rank}`, protocol: 'TCP' });
    }
  }
  if (opts.native) container.restartPolicy = 'Always';
  return container;
}

/** llm-d, KServe and modelplane sidecar shapes: by image repository, binary, or container name. */
export function isRoutingSidecar(container: KObject): boolean {
  if (!isPlainObject(container)) return false;
  if (typeof container.name === 'string' && SIDECAR_NAMES.has(container.name)) return true;
  const repo = typeof container.image === 'string' ? parseImage(container.image).segments.at(-1) : undefined;
  if (SIDECAR_IMAGES.has(repo ?? '')) return true;
  return argv(container).some((a) => basename(a.text) === SIDECAR_BINARY);
}

/** One word of the container's command line and where it came from. */
interface Word {
  text: string;
  /** container-relative path of the element holding it: command[0], args[3] */
  path: string;
}

/** command then args; for `sh -c "<script>"` only the script's words, each pointing at the script element */
function argv(container: KObject): Word[] {
  const words: Word[] = [];
  for (const field of ['command', 'args'] as const) {
    const list = container[field];
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (typeof item === 'string') words.push({ text: item, path: `${field}[${i}]` });
    });
  }
  const shellAt = words.findIndex((w, i) => isShell(w.text) && words[i + 1]?.text === '-c');
  if (shellAt >= 0 && words[shellAt + 2]) {
    const script = words[shellAt + 2]!;
    let parts: string[];
    try {
      parts = shellSplit(script.text);
    } catch {
      parts = script.text.split(/\s+/).filter(Boolean);
    }
    // the shell and its -c are not the sidecar's flags
    return parts.map((text) => ({ text, path: script.path }));
  }
  return words;
}

interface ParsedFlag {
  name: string;
  value?: string;
  /** path of the word carrying the value (the flag itself for --flag=v) */
  valuePath: string;
  /** path of the flag word */
  path: string;
  /** written with one dash (-name): pflag reads that as a run of one-letter shorthand flags */
  singleDash: boolean;
}

/** Go flag / pflag spellings: --name=v, --name v, -name=v, -name v. A bare --name followed by a flag has no value. */
function parseFlags(container: KObject): ParsedFlag[] {
  const words = argv(container);
  const flags: ParsedFlag[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const m = /^--?([A-Za-z0-9][\w.-]*)(?:=(.*))?$/s.exec(w.text);
    if (!m) continue;
    const name = m[1]!;
    const singleDash = !w.text.startsWith('--');
    if (m[2] !== undefined) {
      flags.push({ name, value: m[2], path: w.path, valuePath: w.path, singleDash });
      continue;
    }
    const next = words[i + 1];
    if (next && !next.text.startsWith('-')) {
      flags.push({ name, value: next.text, path: w.path, valuePath: next.path, singleDash });
      i++;
    } else {
      flags.push({ name, path: w.path, valuePath: w.path, singleDash });
    }
  }
  return flags;
}

function lastFlag(flags: ParsedFlag[], name: string): ParsedFlag | undefined {
  let found: ParsedFlag | undefined;
  for (const f of flags) if (f.name === name) found = f;
  return found;
}

function toPort(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value.trim())) return Number.NaN;
  return Number(value.trim());
}

/**
 * The engine port an existing sidecar forwards to under `version`'s flag rules. `path` is the container-relative
 * path of the element holding the value; undefined when the version's default applies. `port` is NaN when the value
 * is not a literal number (an env reference, say).
 */
export function readSidecarTarget(version: RouterVersion, container: KObject): SidecarTarget {
  const table = routerTable(version);
  const flags = parseFlags(container);
  for (const name of table.sidecar.enginePortFlags) {
    const flag = lastFlag(flags, name);
    if (flag) return { port: toPort(flag.value), path: flag.valuePath };
  }
  return { port: table.sidecar.defaultEnginePort };
}

/** The sidecar's data-parallel size (--data-parallel-size), 1 when unset; NaN when not a literal number. */
export function readSidecarDataParallel(version: RouterVersion, container: KObject): { value: number; path?: string } {
  const flag = lastFlag(parseFlags(container), routerTable(version).sidecar.dataParallelFlag);
  return flag ? { value: toPort(flag.value), path: flag.valuePath } : { value: 1 };
}

/** The sidecar's encoder-cache protocol (--ec-connector): its value and the container-relative path holding it, or
 * undefined when the flag is absent (the sidecar then skips the encode stage). */
export function readSidecarEcConnector(version: RouterVersion, container: KObject): { value?: string; path: string } | undefined {
  const flag = lastFlag(parseFlags(container), routerTable(version).sidecar.ecConnectorFlag);
  return flag ? { value: flag.value, path: flag.valuePath } : undefined;
}

/** The sidecar's KV protocol as `version` reads it: its connector flag (--kv-connector), else the deprecated alias
 * (--connector) where the version still has one; the value and the container-relative path holding it. */
export function readSidecarKvConnector(version: RouterVersion, container: KObject): { value?: string; path: string } | undefined {
  const { connectorFlag, connectorAlias } = routerTable(version).sidecar;
  const flags = parseFlags(container);
  const flag = lastFlag(flags, connectorFlag) ?? (connectorAlias ? lastFlag(flags, connectorAlias) : undefined);
  return flag ? { value: flag.value, path: flag.valuePath } : undefined;
}

/** The first router version whose sidecar takes --ec-connector=`connector` (ec-nixl: v0.9.0, llm-d-router #1444), read
 * from the version tables. */
export function ecConnectorSince(connector: string): RouterVersion | undefined {
  return ROUTER_VERSIONS.find((v) => routerTable(v).sidecar.ecConnectors.includes(connector));
}

/** The port an existing sidecar listens on under `version`'s flag rules (--port, else the table's default) and the
 * container-relative path holding it, unset for the default; `port` is NaN when the value is not a literal number. */
export function readSidecarListenPort(version: RouterVersion, container: KObject): SidecarTarget {
  const table = routerTable(version);
  const flag = lastFlag(parseFlags(container), table.sidecar.listenFlag);
  return flag ? { port: toPort(flag.value), path: flag.valuePath } : { port: table.sidecar.defaultListenPort };
}

export interface SidecarFlagProblem extends Finding {
  severity: Severity;
  flag: string;
}

/**
 * Arguments `version`'s sidecar would refuse or ignore. Paths are container-relative (args[2]); the caller prefixes
 * the container path and sets the resource. pflag exits on unknown flags, so removed and unknown flags are errors.
 */
export function sidecarFlagProblems(version: RouterVersion, container: KObject): SidecarFlagProblem[] {
  const table = routerTable(version);
  const known = new Set(table.sidecar.flags);
  const problems: SidecarFlagProblem[] = [];
  const flags = parseFlags(container).filter((f) => f.name !== SIDECAR_BINARY);
  for (const f of flags) {
    if (f.singleDash && f.name.length > 1) {
      problems.push({
        severity: 'error',
        flag: f.name,
        path: f.path,
        currentValue: `-${f.name}`,
        message: `routing sidecar ${version} parses flags with pflag, which reads -${f.name} as one-letter shorthand flags and exits with "unknown shorthand flag"; write --${f.name}`,
      });
      continue;
    }
    const removed = table.sidecar.removedFlags[f.name];
    if (removed !== undefined) {
      problems.push({
        severity: 'error',
        flag: f.name,
        path: f.path,
        currentValue: f.value === undefined ? `--${f.name}` : `--${f.name}=${f.value}`,
        message: `routing sidecar ${version} no longer has --${f.name}; it exits with "unknown flag" at start. Use ${removed} instead`,
      });
      continue;
    }
    const deprecated = table.sidecar.deprecatedFlags[f.name];
    if (deprecated !== undefined) {
      problems.push({
        severity: 'warning',
        flag: f.name,
        path: f.path,
        message: `routing sidecar ${version} accepts --${f.name} only as a deprecated alias; use ${deprecated}`,
      });
      continue;
    }
    if (!known.has(f.name) && !table.sidecar.flagPrefixes.some((p) => f.name.startsWith(p))) {
      problems.push({
        severity: 'error',
        flag: f.name,
        path: f.path,
        message: `routing sidecar ${version} has no --${f.name} flag and exits at start; remove it`,
      });
    }
  }
  // the connector flags are pflag string flags at every tag (pkg/sidecar/proxy/options.go fs.StringVar, no
  // NoOptDefVal): written bare, pflag takes the next argument as the value, or with none left exits at start with
  // "flag needs an argument"
  const stringFlags = [table.sidecar.connectorFlag, table.sidecar.connectorAlias, table.sidecar.ecConnectorFlag].filter((n): n is string => !!n);
  for (const f of flags) {
    if (f.value !== undefined || f.singleDash || !stringFlags.includes(f.name)) continue;
    const choices = f.name === table.sidecar.ecConnectorFlag ? table.sidecar.ecConnectors : table.sidecar.kvConnectors;
    problems.push({
      severity: 'error',
      flag: f.name,
      path: f.path,
      currentValue: `--${f.name}`,
      message:
        `routing sidecar ${version} reads --${f.name} as a string flag that needs a value: with nothing after it, it exits at start ` +
        `("flag needs an argument: --${f.name}"), and before another flag it takes that flag as the connector's name; write --${f.name}=<one of ${choices.join(', ')}>`,
    });
  }
  const connector = lastFlag(flags, table.sidecar.connectorFlag);
  const alias = table.sidecar.connectorAlias ? lastFlag(flags, table.sidecar.connectorAlias) : undefined;
  // the deprecated alias fills an unset connector flag and is validated too when it names another connector
  for (const c of [connector, alias?.value !== connector?.value ? alias : undefined]) {
    if (!c || c.value === undefined || table.sidecar.kvConnectors.includes(c.value)) continue;
    problems.push({
      severity: 'error',
      flag: c.name,
      path: c.valuePath,
      currentValue: c.value,
      message: `routing sidecar ${version} does not support --${c.name}=${c.value} and exits at start; use one of ${table.sidecar.kvConnectors.join(', ')}`,
    });
  }
  const ec = lastFlag(flags, table.sidecar.ecConnectorFlag);
  if (ec && ec.value !== undefined && ec.value !== '' && !table.sidecar.ecConnectors.includes(ec.value)) {
    const since = ecConnectorSince(ec.value);
    problems.push({
      severity: 'error',
      flag: ec.name,
      path: ec.valuePath,
      currentValue: ec.value,
      message: `routing sidecar ${version} does not support --${ec.name}=${ec.value} and exits at start ("--ec-connector must be one of: ${table.sidecar.ecConnectors.join(', ')}")${since ? `; ${ec.value} exists from router ${since}: raise spec.epp.version, or move the encoder cache through shared storage (vLLM ECExampleConnector, --ec-connector=ec-example)` : ''}`,
    });
  }
  if (!table.sidecar.enginePortFlags.some((n) => lastFlag(flags, n))) {
    problems.push({
      severity: 'warning',
      flag: table.sidecar.enginePortFlags[0]!,
      proposedValue: `--${table.sidecar.enginePortFlags[0]}=<engine port>`,
      message: `routing sidecar ${version} gets no engine port and falls back to ${table.sidecar.defaultEnginePort} (the default changed from 8001 to 8200 in v0.10.0); pass --${table.sidecar.enginePortFlags[0]} explicitly`,
    });
  }
  return problems;
}

/** The sidecar connector that speaks a decode engine's KV protocol, by the wirings the router tables record
 * (SidecarKvWiring): SGLang → sglang; vLLM → the first wiring one of whose connectors the engine loads (a
 * MultiConnector's children count). undefined when no wiring speaks it (no KV transfer config, or another connector). */
export function sidecarKvConnectorFor(engine: EngineModel): { connector: SidecarConnector; wiring: SidecarKvWiring } | undefined {
  // the newest table lists every wiring (each version's list extends the one before)
  const all = routerTable(ROUTER_VERSIONS[ROUTER_VERSIONS.length - 1]!).sidecar.kvWiring;
  const names = kvConnectors(engine.kvTransferConfig?.value).map((c) => c.kv_connector);
  for (const [connector, wiring] of Object.entries(all) as Array<[SidecarConnector, SidecarKvWiring]>) {
    if (wiring.engine !== engine.kind) continue;
    if (engine.kind === 'sglang' || names.some((n) => typeof n === 'string' && wiring.vllmConnectors?.includes(n))) return { connector, wiring };
  }
  return undefined;
}

/** The first router version whose sidecar has `connector`, or undefined. */
export function firstVersionWithConnector(connector: string): RouterVersion | undefined {
  return ROUTER_VERSIONS.find((v) => routerTable(v).sidecar.kvConnectors.includes(connector));
}

/** Where the prefill engine serves the connector's bootstrap port: its value (the engine's default when unset), the
 * container-relative path that set it, or `unknown` when it is set to something not readable here (valueFrom, $(VAR)). */
export function prefillPortOf(wiring: SidecarKvWiring, prefill: EngineModel): { value: number; path?: string; unknown?: string } | undefined {
  const port = wiring.prefillPort;
  if (!port) return undefined;
  const where = port.engine;
  if ('env' in where) {
    const e = prefill.env[where.env];
    if (!e) return { value: where.default };
    const text = envValue(prefill, where.env);
    const n = toPort(text);
    return Number.isNaN(n) ? { value: where.default, path: e.path, unknown: `env ${where.env}` } : { value: n, path: `${e.path}.value` };
  }
  const f = flagValue(prefill, where.flag);
  if (!f) return { value: where.default };
  const n = toPort(typeof f.value === 'string' ? f.value : undefined);
  return Number.isNaN(n) ? { value: where.default, path: f.path, unknown: where.flag } : { value: n, path: f.path };
}

/** The bootstrap port a sidecar dials for the connector: its flag, else its env var, else the default; `path` is
 * container-relative (undefined for the default). NaN when not a literal number. */
export function readSidecarPrefillPort(wiring: SidecarKvWiring, container: KObject): { value: number; path?: string; from: 'flag' | 'env' | 'default' } | undefined {
  const port = wiring.prefillPort;
  if (!port) return undefined;
  const flag = port.flag ? lastFlag(parseFlags(container), port.flag) : undefined;
  if (flag) return { value: toPort(flag.value), path: flag.valuePath, from: 'flag' };
  const env = Array.isArray(container.env) ? container.env : [];
  const i = env.findIndex((e: unknown) => isPlainObject(e) && e.name === port.env);
  if (i >= 0) {
    const v = (env[i] as KObject).value;
    return { value: toPort(typeof v === 'string' ? v : undefined), path: `env[${i}].value`, from: 'env' };
  }
  return { value: port.default, from: 'default' };
}
