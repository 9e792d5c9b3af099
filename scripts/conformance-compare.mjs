// Live harness verdicts against the recorded ones, and pd-disagg's linter against them (confusion table).
// The judging code is test/conformance/verdicts.ts, bundled with esbuild so the replay test and this script agree.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let judged;

async function judge() {
  if (judged) return judged;
  const out = join(resolve(process.env.PDCONF_CACHE ?? join(ROOT, '.tmp/conformance')), 'verdicts.bundle.mjs');
  mkdirSync(dirname(out), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'test/conformance/verdicts.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'error',
    packages: 'external',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'test/conformance/verdicts.ts')).href) },
  });
  judged = await import(pathToFileURL(out).href);
  return judged;
}

/** Returns true when live = recorded (or --update) and every linter disagreement is a kept one. */
export async function compare({ version, live, cases, source, update, verbose, seconds }) {
  const j = await judge();
  // live: id -> verdict (scripts/conformance.mjs verdictOf, merged over the repeated runs)
  const liveVerdicts = Object.fromEntries(cases.map((c) => [c.id, live[c.id]]));
  let recorded;
  try {
    recorded = j.readVerdicts(version);
  } catch {
    recorded = undefined;
  }
  let ok = true;
  const drift = [];
  for (const c of cases) {
    const before = recorded?.verdicts?.[c.id];
    const now = liveVerdicts[c.id];
    if (!before) drift.push(`${c.id}: no recorded verdict (live: ${JSON.stringify(now)})`);
    else if (JSON.stringify(sortDeep(before)) !== JSON.stringify(sortDeep(now)))
      drift.push(`${c.id}:\n    recorded ${JSON.stringify(sortDeep(before))}\n    live     ${JSON.stringify(sortDeep(now))}`);
  }
  for (const id of Object.keys(recorded?.verdicts ?? {})) if (!liveVerdicts[id]) drift.push(`${id}: recorded but no longer in the corpus`);
  if (update) {
    const file = {
      version,
      source,
      producedBy: `npm run conformance -- --update: test/conformance/${version} harness built from the sources above, CGO_ENABLED=0`,
      date: new Date().toISOString().slice(0, 10),
      verdicts: Object.fromEntries(Object.keys(liveVerdicts).sort().map((id) => [id, sortDeep(liveVerdicts[id])])),
    };
    writeFileSync(join(j.DATA_DIR, version, 'verdicts.json'), JSON.stringify(file, null, 2) + '\n');
    console.log(`conformance ${version}: recorded ${cases.length} verdicts (${drift.length} changed)`);
  } else if (drift.length) {
    ok = false;
    console.error(`\nconformance ${version}: the live router DRIFTED from the recorded verdicts (${drift.length}):\n  ${drift.join('\n  ')}\n` +
      `If the change is expected (new tag, harness fix), re-record with npm run conformance -- --update and review the diff.`);
  }
  const verdicts = update ? liveVerdicts : (recorded?.verdicts ?? liveVerdicts);
  const c = j.confusion(version, verdicts, (id) => cases.find((x) => x.id === id)?.text ?? j.readCase(version, id));
  console.log(`\n${j.formatConfusion(version, c)}   (live, ${seconds.toFixed(0)}s)`);
  const kept = j.keptDisagreements()[version] ?? {};
  const wrong = [
    ...c.missed.map((id) => ['router refuses/never disaggregates, linter silent', id]),
    ...c.falseAlarm.map((id) => ['router accepts, linter errors', id]),
    ...c.timeout.map((id) => ['harness timeout, the router gave no verdict', id]),
  ];
  const unexplained = wrong.filter(([, id]) => !kept[id]);
  for (const [kind, id] of wrong) {
    const v = verdicts[id];
    const l = j.lint(version, cases.find((x) => x.id === id).text);
    const line = `  ${kept[id] ? 'kept' : 'DISAGREE'} ${id}: ${kind}${kept[id] ? ` (${kept[id]})` : ''}`;
    console.log(line);
    if (verbose || !kept[id]) console.log(`      router: ${JSON.stringify(v)}\n      linter: ${JSON.stringify(l.errors)}`);
  }
  if (unexplained.length) ok = false;
  return ok;
}

function sortDeep(v) {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]));
  return v;
}

/** Start the tag's real sidecar with every recorded argument list; compare with the recorded outcome and with
 * pd-disagg's own verdict (an error from sidecarFlagProblems = refuses the pair). */
export async function compareSidecar({ version, bin, source, update, runSidecar }) {
  const j = await judge();
  const cases = j.readSidecarCases(version);
  const { flag, port } = j.sidecarListenFlag(version);
  const live = {};
  for (const c of cases) live[c.id] = await runSidecar(bin, c.args, flag, port);
  const recorded = j.readSidecarVerdicts(version);
  let ok = true;
  const drift = cases.filter((c) => JSON.stringify(sortDeep(recorded?.verdicts?.[c.id] ?? null)) !== JSON.stringify(sortDeep(live[c.id]))).map((c) => `${c.id}: recorded ${JSON.stringify(recorded?.verdicts?.[c.id])} live ${JSON.stringify(live[c.id])}`);
  if (update) {
    writeFileSync(j.sidecarVerdictsFile(version), JSON.stringify({ version, source, producedBy: `npm run conformance -- --update: the ${version} sidecar command built from the sources above, CGO_ENABLED=0, started on 127.0.0.1`, date: new Date().toISOString().slice(0, 10), verdicts: sortDeep(live) }, null, 2) + '\n');
  } else if (drift.length) {
    ok = false;
    console.error(`\nconformance ${version} sidecar: DRIFT from the recorded outcomes:\n  ${drift.join('\n  ')}`);
  }
  let agree = 0;
  const wrong = [];
  for (const c of cases) {
    const mine = !j.sidecarLint(version, c.args).refuses;
    if (mine === live[c.id].starts) agree++;
    else wrong.push(`${c.id}: sidecar ${live[c.id].starts ? 'starts' : `exits (${live[c.id].said})`}, pd-disagg ${mine ? 'accepts' : `refuses: ${j.sidecarLint(version, c.args).errors.join('; ')}`}`);
  }
  console.log(`router ${version} sidecar: ${cases.length} argument lists, pd-disagg agrees on ${agree}/${cases.length}`);
  for (const w of wrong) console.log(`  DISAGREE ${w}`);
  if (wrong.length) ok = false;
  return ok;
}
