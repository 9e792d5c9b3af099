// Recorded verdicts of the real router harness (test/conformance/<version>/) and pd-disagg's linter against them.
// Shared by the replay test (verdicts.test.ts) and npm run conformance (scripts/conformance-compare.mjs, through an
// esbuild bundle), so both judge agreement the same way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { routerTable } from '../../src/router/index.js';
import { sidecarFlagProblems } from '../../src/router/sidecar.js';
import { lintEppConfig } from '../../src/validate/validate.js';
import type { RouterVersion } from '../../src/router/types.js';
import { isPlainObject } from '../../src/types.js';
import { poolNeeds } from '../../scripts/conformance-pool.mjs';

export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../testdata/conformance');

export interface PromptVerdict {
  /** the scheduler picked the prefill pod in a profile other than the one giving the destination */
  prefill: boolean;
  /** the request's destination is the decode pod */
  decode: boolean;
  /** x-prefiller-host-port was set after the PreRequest plugins ran */
  header: boolean;
  /** and it names the prefill pod */
  headerToPrefill: boolean;
  error?: string;
  /** the router still held the request when the harness's deadline passed (PDCONF_REQUEST_TIMEOUT): no verdict */
  timeout?: boolean;
  /** fields that differed between repeated runs (the router broke a tie at random); each is recorded as false */
  varies?: string[];
  /** the pool was derived from the config (scripts/conformance-pool.mjs): profile=pods the scheduler picked, sorted */
  picked?: string;
  /** the pool has an encode pod: x-encoder-hosts-ports was set and names only encode pods */
  encode?: boolean;
}

/**
 * A `# pdconf: rollout` config on a two-revision pool (scripts/conformance-pool.mjs): the revision pairs
 * "<prefill pod's>/<decode pod's>" its requests were given ("-" for no prefill hop), space-separated and sorted.
 */
export interface RolloutVerdict {
  pairs?: string;
  /** some request's prefill pod and decode pod were of different revisions */
  crossRevision?: boolean;
  errors?: string;
  timeout?: boolean;
  loaded?: boolean;
  stage?: string;
  error?: string;
  varies?: string[];
}

export interface Verdict {
  loaded: boolean;
  /** where the EPP start-up stopped (load, instantiate, stability, panic, timeout ...) or "ready" */
  stage: string;
  /** the router's exact error */
  error?: string;
  long?: PromptVerdict;
  hi?: PromptVerdict;
  /** a chat request with an image part, sent when the config has an encode stage */
  image?: PromptVerdict;
  /** both revisions complete */
  rollout?: RolloutVerdict;
  /** the second revision has only a decode pod (a rollout step before its prefill pod is Ready) */
  rolloutPartial?: RolloutVerdict;
  /** E/P/D: the second revision has prefill and decode pods but no encode pod yet */
  rolloutNoEncode?: RolloutVerdict;
  /** top-level fields that differed between repeated runs */
  varies?: string[];
}

export interface VerdictFile {
  version: string;
  /** module@version of every pinned module the harness was built from, and where its source came from */
  source: Record<string, { version: string; from: string }>;
  producedBy: string;
  date: string;
  verdicts: Record<string, Verdict>;
}

/** A request disaggregated: sent to the decode pod with x-prefiller-host-port naming the prefill pod the scheduler picked. */
export function disaggregated(p: PromptVerdict | undefined): boolean {
  return !!p && p.prefill && p.decode && p.header && p.headerToPrefill;
}

/** The harness gave up waiting (the whole config, or one of its requests): the router gave no verdict. */
export function timedOut(v: Verdict): boolean {
  return (
    v.stage === 'timeout' ||
    [v.long, v.hi, v.image].some((p) => !!p?.timeout) ||
    [v.rollout, v.rolloutPartial, v.rolloutNoEncode].some((r) => !!r?.timeout || r?.stage === 'timeout')
  );
}

/** An E/P/D request took the encode hop: the encode profile picked the encode pod and the header names it. */
export function encoded(p: PromptVerdict | undefined): boolean {
  return !!p?.encode && /[=+]encode-\d/.test(p.picked ?? "");
}

/**
 * What the router says about a config: it loads and the long uncached prompt disaggregates; and when the config has
 * an encode stage (the harness then sends an image), the image request takes the encode hop.
 */
export function routerAccepts(v: Verdict): boolean {
  return v.loaded && disaggregated(v.long) && (v.image === undefined || encoded(v.image));
}

export function versionsWithData(): string[] {
  if (!existsSync(DATA_DIR)) return [];
  return readdirSync(DATA_DIR).filter((d) => /^v\d/.test(d) && existsSync(join(DATA_DIR, d, 'verdicts.json')));
}

export function readVerdicts(version: string): VerdictFile {
  return JSON.parse(readFileSync(join(DATA_DIR, version, 'verdicts.json'), 'utf8')) as VerdictFile;
}

export function readCase(version: string, id: string): string {
  return readFileSync(join(DATA_DIR, version, `${id}.yaml`), 'utf8');
}

export function caseIds(version: string): string[] {
  return readdirSync(join(DATA_DIR, version))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Disagreements kept on purpose: version -> id -> reason (also listed in docs/router-versions.md). */
export function keptDisagreements(): Record<string, Record<string, string>> {
  const f = join(DATA_DIR, 'kept-disagreements.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Record<string, Record<string, string>>) : {};
}

export interface LintView {
  /** the linter reports at least one error */
  refuses: boolean;
  errors: string[];
}

/** pd-disagg's linter on a corpus config, as a hand-written config (no engine block size known). */
export function lint(version: string, text: string): LintView {
  let config: unknown;
  try {
    config = parse(text);
  } catch (e) {
    return { refuses: true, errors: [`yaml: ${(e as Error).message}`] };
  }
  if (!isPlainObject(config)) return { refuses: true, errors: ['not a mapping'] };
  // the harness starts the EPP with --allow-experimental-plugins for a case with this header line (as pd-disagg does
  // for the configs that need it), so the linter is told the same
  const experimentalAllowed = /^# pdconf: allow-experimental-plugins$/m.test(text);
  // the harness's pool has an encode pod when the config has an encode stage (scripts/conformance-pool.mjs): the
  // linter is told so, as the pipeline tells it for an E/P/D trio (rule epp-encode-stage)
  const encode = poolNeeds(config).encode;
  const results = lintEppConfig({
    version: version as RouterVersion,
    config,
    origin: { path: 'data.epp-config.yaml', generated: false },
    ...(experimentalAllowed ? { experimentalAllowed } : {}),
    ...(encode ? { encode } : {}),
  });
  const errors = results.filter((r) => r.severity === 'error').map((r) => `${String(r.tags?.rule)}: ${r.message}`);
  return { refuses: errors.length > 0, errors };
}

export interface Confusion {
  /** router accepts, linter silent */
  agreeAccept: string[];
  /** router refuses or never disaggregates, linter errors */
  agreeRefuse: string[];
  /** router refuses or never disaggregates, linter silent: the dangerous kind */
  missed: string[];
  /** router accepts, linter errors */
  falseAlarm: string[];
  /** the harness timed out: no verdict, so neither agreement nor disagreement (each must be a kept entry) */
  timeout: string[];
}

export function confusion(version: string, verdicts: Record<string, Verdict>, text: (id: string) => string): Confusion {
  const c: Confusion = { agreeAccept: [], agreeRefuse: [], missed: [], falseAlarm: [], timeout: [] };
  for (const [id, v] of Object.entries(verdicts).sort(([a], [b]) => a.localeCompare(b))) {
    if (timedOut(v)) {
      c.timeout.push(id);
      continue;
    }
    const router = routerAccepts(v);
    const linter = !lint(version, text(id)).refuses;
    if (router && linter) c.agreeAccept.push(id);
    else if (!router && !linter) c.agreeRefuse.push(id);
    else if (!router) c.missed.push(id);
    else c.falseAlarm.push(id);
  }
  return c;
}

export function formatConfusion(version: string, c: Confusion): string {
  const total = c.agreeAccept.length + c.agreeRefuse.length + c.missed.length + c.falseAlarm.length + c.timeout.length;
  const agree = c.agreeAccept.length + c.agreeRefuse.length;
  const pct = total ? ((100 * agree) / total).toFixed(1) : '-';
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  return [
    `router ${version}: ${total} configs, agreement ${agree}/${total} (${pct}%)`,
    `                         router: loads+disaggregates   router: refuses/never disaggregates`,
    `  linter: no error       ${pad(c.agreeAccept.length, 28)}   ${pad(c.missed.length, 36)}`,
    `  linter: error          ${pad(c.falseAlarm.length, 28)}   ${pad(c.agreeRefuse.length, 36)}`,
    `  harness timeout (no verdict from the router, not agreement): ${c.timeout.length}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Routing sidecar: argument lists started with the real sidecar binary of each tag.

export interface SidecarCase {
  id: string;
  what: string;
  args: string[];
}

export interface SidecarVerdict {
  /** the sidecar listened on its port */
  starts: boolean;
  /** when it did not: its exit code and last log line */
  exitCode?: number;
  said?: string;
}

export function readSidecarCases(version: string): SidecarCase[] {
  return (JSON.parse(readFileSync(join(DATA_DIR, 'sidecar', `${version}.json`), 'utf8')) as { cases: SidecarCase[] }).cases;
}

export function sidecarVerdictsFile(version: string): string {
  return join(DATA_DIR, 'sidecar', `${version}.verdicts.json`);
}

export function readSidecarVerdicts(version: string): { source: VerdictFile['source']; date: string; producedBy: string; verdicts: Record<string, SidecarVerdict> } | undefined {
  const f = sidecarVerdictsFile(version);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
}

/** pd-disagg's view of an existing sidecar's args: errors are fatal (it refuses the pair). */
export function sidecarLint(version: string, args: string[]): { refuses: boolean; errors: string[] } {
  const problems = sidecarFlagProblems(version as RouterVersion, { name: 'routing-proxy', args });
  const errors = problems.filter((p) => p.severity === 'error').map((p) => p.message);
  return { refuses: errors.length > 0, errors };
}

/** The sidecar's listen flag and default port at a tag: where `npm run conformance` starts the real sidecar. */
export function sidecarListenFlag(version: string): { flag: string; port: number } {
  const t = routerTable(version as RouterVersion);
  return { flag: t.sidecar.listenFlag, port: t.sidecar.defaultListenPort };
}
