// npm run bench: how much pd-disagg costs next to the floor it cannot go under, measured side by side.
//
// Every command of a group runs in turn (A B C A B C …), each as a fresh process, so drift on the machine hits them
// all alike; the table shows medians and the ratios the issue sets targets for. Nothing here asserts a timing: the
// numbers go in the README's performance section, by hand, with the date and the machine.
//
//   node scripts/bench.mjs              default run (about a minute)
//   node scripts/bench.mjs --runs 60    more iterations of each cold-start command (large inputs: a third of it)
//   node scripts/bench.mjs --only cold,kpt,large
//   node scripts/bench.mjs --markdown   the table as README markdown
//   node scripts/bench.mjs --inputs DIR write the inputs to DIR (for profiling) and stop
//   node scripts/bench.mjs --compare OTHER/pd-disagg.js   also time another build (before/after)
//   node scripts/bench.mjs --cpu        CPU time (user + sys of each node process, all its threads) instead of wall
//                                       time: on a loaded machine wall time measures the load (the kpt group is
//                                       skipped, kpt is not node)
//
// Groups:
//   cold   `node -e ''` vs the function on the two-engine example (examples/qwen-pd as kpt sends it), on its own
//          wired output (every later render), and on the example with the code cache off (PD_DISAGG_CODE_CACHE=0)
//   kpt    `kpt fn eval --exec cat` vs `kpt fn eval --exec dist/pd-disagg.js` on a copy of the wired example package, and a
//          node script that only copies stdin to stdout under the same kpt (the floor for any node function)
//   large  the engine pair plus 5,000 (and 10,000) unrelated resources vs a plain `yaml` parse + stringify of the
//          same text (one bundled file, like ours); peak RSS from /usr/bin/time when it is there
//   hash   the two-engine example with the EPP checksum from src/plan/sha256.ts vs a build hashing with node:crypto
//          (scripts/build.mjs --sha256-from-node-crypto): the hand-written SHA-256 stays only while it saves > 1 ms
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { resourceListFromDir } from './resource-list.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const RUNS = Number(opt('--runs', '21'));
const LARGE_RUNS = Math.max(3, Math.round(RUNS / 3));
const CPU = args.includes('--cpu');
const ONLY = new Set(opt('--only', 'cold,kpt,large,hash').split(','));
if (CPU) ONLY.delete('kpt');
const MARKDOWN = args.includes('--markdown');
// --compare FILE: another build of the function (e.g. main's dist/pd-disagg.js) timed alongside in every group
const COMPARE = opt('--compare') ? resolve(opt('--compare')) : undefined;

const BUNDLE = resolve('dist/pd-disagg.js');
if (!existsSync(BUNDLE)) {
  console.error('bench: dist/pd-disagg.js is missing: run npm run build first (npm run bench does)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'pd-disagg-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
// --cpu: every node process the bench starts writes its CPU time (process.cpuUsage at exit: getrusage of the whole
// process, V8's threads included) to a file the bench reads after the run
const cpuFile = join(work, 'cpu');
const cpuHook = join(work, 'cpu-hook.cjs');
writeFileSync(cpuHook, `process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(${JSON.stringify(cpuFile)}, String(u.user + u.system)); });\n`);
const cpuEnv = CPU ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${cpuHook}`.trim() } : {};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Run each command `runs` times, interleaved, after one untimed warm-up round; milliseconds per command. */
function interleaved(commands, runs) {
  const times = commands.map(() => []);
  for (let round = -1; round < runs; round++) {
    commands.forEach((c, i) => {
      rmSync(cpuFile, { force: true });
      const start = process.hrtime.bigint();
      const r = spawnSync(c.argv[0], c.argv.slice(1), {
        input: c.input,
        cwd: c.cwd,
        env: { ...process.env, ...cpuEnv, ...c.env },
        maxBuffer: 1 << 30,
      });
      let ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (CPU) {
        if (!existsSync(cpuFile)) throw new Error(`bench: ${c.label} reported no CPU time (--cpu times node commands only)`);
        ms = Number(readFileSync(cpuFile, 'utf8')) / 1000;
      }
      if (r.status !== (c.status ?? 0) || r.error) {
        throw new Error(`bench: ${c.label} exited ${r.status} ${r.error ?? ''}\n${String(r.stderr).slice(0, 2000)}`);
      }
      if (round >= 0) times[i].push(ms);
    });
  }
  return times.map(median);
}

/** Peak resident set size (MiB) of one run, from GNU time; undefined without it. */
function peakRss(c) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...c.argv], {
    input: c.input,
    cwd: c.cwd,
    env: { ...process.env, ...c.env },
    maxBuffer: 1 << 30,
  });
  const kb = Number(String(r.stderr).trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

const rows = [];
const row = (group, label, ms, ratio, target, extra = '') => rows.push({ group, label, ms, ratio, target, extra });

// ---- inputs ----
const example = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
const node = process.execPath;

/** The engine pair of the example plus `n` unrelated resources (ConfigMaps, Services, Deployments with comments). */
function largeList(n) {
  const text = example.replace(/\n$/, '');
  const at = text.indexOf('\nfunctionConfig:');
  const head = at >= 0 ? text.slice(0, at) : text;
  const tail = at >= 0 ? text.slice(at) : '';
  const out = [head];
  for (let i = 0; i < n; i++) {
    const path = `apps/app-${Math.floor(i / 10)}.yaml`;
    const ann = [
      `      config.kubernetes.io/path: '${path}'`,
      `      config.kubernetes.io/index: '${i % 10}'`,
      `      internal.config.kubernetes.io/path: '${path}'`,
      `      internal.config.kubernetes.io/index: '${i % 10}'`,
    ].join('\n');
    switch (i % 3) {
      case 0:
        out.push(`- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: app-${i}-settings
    namespace: team-${i % 7}
    annotations:
${ann}
  data:
    LOG_LEVEL: info # quieter in prod
    MAX_CONNECTIONS: "${100 + (i % 50)}"
    feature.yaml: |
      enabled: true
      ratio: 0.${i % 10}`);
        break;
      case 1:
        out.push(`- apiVersion: v1
  kind: Service
  metadata:
    name: app-${i}
    namespace: team-${i % 7}
    labels: {app: app-${i}, tier: backend}
    annotations:
${ann}
  spec:
    selector:
      app: app-${i}
    ports:
    - name: http
      port: 80
      targetPort: 8080`);
        break;
      default:
        out.push(`- # the app-${i} worker
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app-${i}
    namespace: team-${i % 7}
    annotations:
${ann}
  spec:
    replicas: ${1 + (i % 3)}
    selector:
      matchLabels:
        app: app-${i}
    template:
      metadata:
        labels:
          app: app-${i}
      spec:
        containers:
        - name: app
          image: registry.example.com/app:${i % 17}.0.1
          args: ["--port=8080", "--workers=4"]
          ports:
          - containerPort: 8080
          resources:
            limits: {cpu: "1", memory: 512Mi}`);
    }
  }
  // the example's items are indented under `items:`; the added ones follow suit
  return `${[head, ...out.slice(1).map((t) => t.replace(/^/gm, '  '))].join('\n')}${tail}\n`;
}

// A plain `yaml` parse + stringify, bundled into one file the same way as the function.
async function yamlRoundTrip() {
  const src = join(work, 'roundtrip.mjs');
  writeFileSync(
    src,
    "import { readFileSync } from 'node:fs';\nimport { parseDocument } from 'yaml';\n" +
      "process.stdout.write(parseDocument(readFileSync(0, 'utf8')).toString());\n",
  );
  const out = join(work, 'roundtrip.cjs');
  await build({
    entryPoints: [src],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    nodePaths: [resolve('node_modules')],
    logLevel: 'warning',
  });
  return out;
}

const codeCacheInUse = () => {
  const r = spawnSync(node, [BUNDLE, '--version'], { env: { ...process.env, PD_DISAGG_CODE_CACHE_DEBUG: '1' } });
  return /code cache: used/.test(String(r.stderr));
};

// --inputs DIR: write the inputs (example.yaml, large-5000.yaml, large-10000.yaml) for profiling, and stop
if (opt('--inputs')) {
  const dir = opt('--inputs');
  writeFileSync(join(dir, 'example.yaml'), example);
  for (const n of [5000, 10000]) writeFileSync(join(dir, `large-${n}.yaml`), largeList(n));
  process.exit(0);
}

// ---- groups ----
const started = Date.now();
if (ONLY.has('cold')) {
  const input = example;
  // what every later render sends (Argo CD refreshes): the wired package, the function's own output without results
  const wired = String(spawnSync(node, [BUNDLE], { input }).stdout).replace(/^results:\n[\s\S]*$/m, '');
  const cmds = [
    { label: "node -e ''", argv: [node, '-e', ''] },
    { label: 'pd-disagg (two-engine example)', argv: [node, BUNDLE], input },
    { label: 'pd-disagg, the example re-rendered', argv: [node, BUNDLE], input: wired },
  ];
  const cached = codeCacheInUse();
  if (cached) cmds.push({ label: 'pd-disagg, code cache off', argv: [node, BUNDLE], input, env: { PD_DISAGG_CODE_CACHE: '0' } });
  if (COMPARE) {
    cmds.push({ label: '--compare build, the example', argv: [node, COMPARE], input });
    cmds.push({ label: '--compare build, re-rendered', argv: [node, COMPARE], input: wired });
  }
  const t = interleaved(cmds, RUNS);
  const kb = (s) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KiB in`;
  row('cold', cmds[0].label, t[0], 1, '');
  row('cold', cmds[1].label, t[1], t[1] / t[0], '≤ 1.3× (aim 1.2×)', `${kb(input)}, ${cached ? 'code cache' : 'no code cache'}`);
  row('cold', cmds[2].label, t[2], t[2] / t[0], '', `${kb(wired)}, nothing left to change`);
  if (cached) row('cold', cmds[3].label, t[3], t[3] / t[0], '', 'compiles from source');
  if (COMPARE) {
    const n = cmds.length;
    row('cold', cmds[n - 2].label, t[n - 2], t[n - 2] / t[0], '', COMPARE);
    row('cold', cmds[n - 1].label, t[n - 1], t[n - 1] / t[0], '', '');
  }
}

if (ONLY.has('kpt')) {
  const kpt = spawnSync('kpt', ['version'], { encoding: 'utf8' });
  if (kpt.status !== 0) {
    console.error('bench: kpt not found, skipping the kpt group');
  } else {
    const pkg = (name) => {
      const dir = join(work, name);
      cpSync('examples/qwen-pd', dir, { recursive: true });
      return dir;
    };
    const cfg = ['--', 'prefill=qwen-prefill', 'decode=qwen-decode'];
    const catPkg = pkg('cat');
    const fnPkg = pkg('fn');
    // the floor for any node function: node started by kpt, copying stdin to stdout and nothing else
    const passthrough = join(work, 'passthrough.js');
    writeFileSync(passthrough, "#!/usr/bin/env node\nconst fs = require('node:fs');\nfs.writeSync(1, fs.readFileSync(0));\n");
    chmodSync(passthrough, 0o755);
    const cmds = [
      { label: 'kpt fn eval --exec cat', argv: ['kpt', 'fn', 'eval', catPkg, '--exec', 'cat', ...cfg] },
      { label: 'kpt fn eval --exec pd-disagg', argv: ['kpt', 'fn', 'eval', fnPkg, '--exec', BUNDLE, ...cfg] },
      { label: 'kpt fn eval --exec node (pass-through)', argv: ['kpt', 'fn', 'eval', pkg('node'), '--exec', passthrough, ...cfg] },
    ];
    if (COMPARE) {
      // kpt execs the file: a copy with the mode bit (its core and code cache, if any, go along)
      mkdirSync(join(work, 'compare'), { recursive: true });
      const exe = join(work, 'compare', 'pd-disagg.js');
      cpSync(COMPARE, exe);
      for (const [from, to] of [[`${COMPARE}.cache`, `${exe}.cache`], [COMPARE.replace(/\.js$/, '.core.js'), exe.replace(/\.js$/, '.core.js')]]) {
        if (existsSync(from)) cpSync(from, to);
      }
      chmodSync(exe, 0o755);
      cmds.push({ label: 'kpt fn eval --exec (--compare build)', argv: ['kpt', 'fn', 'eval', pkg('compare-pkg'), '--exec', exe, ...cfg] });
    }
    // the first render wires the package; the timed ones are the steady state Argo CD sees (nothing changes)
    for (const c of cmds.slice(1)) execFileSync(c.argv[0], c.argv.slice(1), { stdio: 'pipe' });
    const t = interleaved(cmds, RUNS);
    row('kpt', cmds[0].label, t[0], 1, '');
    row('kpt', cmds[1].label, t[1], t[1] / t[0], '≤ 1.4×', `kpt ${kpt.stdout.trim()}; the wired package (14.9 KiB)`);
    row('kpt', cmds[2].label, t[2], t[2] / t[0], '', 'the floor for a node function');
    if (COMPARE) row('kpt', cmds[3].label, t[3], t[3] / t[0], '', '');
  }
}

if (ONLY.has('large')) {
  const roundtrip = await yamlRoundTrip();
  const l5 = largeList(5000);
  const l10 = largeList(10000);
  const cmds = [
    { label: 'yaml parse+stringify, 5,000 + pair', argv: [node, roundtrip], input: l5 },
    { label: 'pd-disagg, 5,000 + pair', argv: [node, BUNDLE], input: l5 },
    { label: 'yaml parse+stringify, 10,000 + pair', argv: [node, roundtrip], input: l10 },
    { label: 'pd-disagg, 10,000 + pair', argv: [node, BUNDLE], input: l10 },
  ];
  if (COMPARE) cmds.push({ label: '--compare build, 5,000 + pair', argv: [node, COMPARE], input: l5 });
  const t = interleaved(cmds, LARGE_RUNS);
  const mem = cmds.map(peakRss);
  const mb = (i) => (mem[i] === undefined ? '' : `peak ${mem[i].toFixed(0)} MiB`);
  const size = (s) => `${(Buffer.byteLength(s) / 1048576).toFixed(1)} MiB in`;
  row('large', cmds[0].label, t[0], 1, '', `${size(l5)}, ${mb(0)}`);
  row('large', cmds[1].label, t[1], t[1] / t[0], '≤ 2× yaml', mb(1));
  row('large', cmds[2].label, t[2], t[2] / t[0], '', `${size(l10)}, ${mb(2)}`);
  row('large', cmds[3].label, t[3], t[3] / t[1], '≤ 2.3× the 5,000 run', `${mb(3)}; ${(t[3] / t[2]).toFixed(2)}× yaml`);
  if (COMPARE) row('large', cmds[4].label, t[4], t[4] / t[0], '', mb(4));
}

if (ONLY.has('hash')) {
  // the same source with the EPP checksum hashed by node:crypto: what the hand-written SHA-256 saves on a cold start
  const variant = join(work, 'node-crypto');
  execFileSync(node, ['scripts/build.mjs', '--out', variant, '--sha256-from-node-crypto'], { stdio: 'inherit' });
  const input = example;
  const cmds = [
    { label: "node -e ''", argv: [node, '-e', ''] },
    { label: 'pd-disagg, SHA-256 of src/plan/sha256.ts', argv: [node, BUNDLE], input },
    { label: 'pd-disagg, SHA-256 of node:crypto', argv: [node, join(variant, 'pd-disagg.js')], input },
  ];
  const t = interleaved(cmds, RUNS);
  row('hash', cmds[0].label, t[0], 1, '');
  row('hash', cmds[1].label, t[1], t[1] / t[0], 'keep if > 1 ms under', 'the two-engine example');
  row('hash', cmds[2].label, t[2], t[2] / t[0], '', `${(t[2] - t[1]).toFixed(1)} ms more than the hand-written one`);
}

// ---- report ----
const kptVersion = spawnSync('kpt', ['version'], { encoding: 'utf8' }).stdout?.trim();
const machine =
  `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
  `Linux ${release()}, node ${process.version}${kptVersion ? `, kpt ${kptVersion}` : ''}`;
const date = new Date().toISOString().slice(0, 10);
const runsNote = `${RUNS} runs per cold-start and kpt command, ${LARGE_RUNS} per large one, interleaved; medians${CPU ? ' of CPU time (user + sys)' : ''}`;
if (MARKDOWN) {
  console.log(`${date}, ${machine}; ${runsNote}.\n`);
  console.log('| group | command | median | ratio | target | notes |');
  console.log('|---|---|---:|---:|---|---|');
  for (const r of rows) {
    console.log(`| ${r.group} | ${r.label} | ${r.ms.toFixed(1)} ms | ${r.ratio.toFixed(2)}× | ${r.target} | ${r.extra} |`);
  }
} else {
  console.log(`${date}  ${machine}\n${runsNote}\n`);
  for (const r of rows) {
    console.log(
      `${r.group.padEnd(6)} ${r.label.padEnd(38)} ${r.ms.toFixed(1).padStart(8)} ms ${r.ratio.toFixed(2).padStart(6)}×  ${r.target.padEnd(22)} ${r.extra}`,
    );
  }
}
console.error(`\nbench: ${((Date.now() - started) / 1000).toFixed(0)} s`);
