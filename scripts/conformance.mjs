#!/usr/bin/env node
// npm run conformance: the llm-d router's own Go code judges every EPP config in testdata/conformance/.
//
// For each router version in test/conformance/<version>/ it obtains the pinned module versions (go.mod's require
// lines) from the Go module proxy, or from local checkouts (--router-src <version>=DIR, --src <module>@<v>=DIR),
// copies them to a scratch dir under .tmp/conformance/, adds the harness files, builds cmd/pdconf with the router's
// own go.mod/go.sum (CGO_ENABLED=0), runs every corpus config through it (JSON lines in/out, one process per
// version), compares the live verdicts with the recorded ones (testdata/conformance/<version>/verdicts.json) and
// prints pd-disagg's linter's confusion table against them. --update rewrites the recorded verdicts.
//
// Exit codes: 0 all green; 1 a failure (build error, harness crash, drift, linter disagreement not listed as kept);
// 3 the module proxy refused a pinned module version (nothing could be proven live; the message names the module,
// the go command and its error). .ci/run treats 3 as "not proven live in this run".
import { spawnSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPods, isDefaultPool, pickedOf, POD_PORT, rolloutVerdict, scenarios } from './conformance-pool.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HARNESS = join(ROOT, 'test/conformance');
const DATA = join(ROOT, 'testdata/conformance');
const CACHE = resolve(process.env.PDCONF_CACHE ?? join(ROOT, '.tmp/conformance'));
export const EXIT_PROXY_REFUSED = 3;

function parseArgs(argv) {
  const opts = { routerSrc: {}, src: {}, update: false, versions: undefined, buildOnly: false, sidecarOnly: false, verbose: false, configTimeout: 60, requestTimeout: 10, only: undefined, repeat: 16 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const eq = a.indexOf('=');
      if (eq > 0 && a.startsWith('--') && a.slice(0, eq).match(/^--[a-z-]+$/)) return a.slice(eq + 1);
      return argv[++i];
    };
    if (a === '--update') opts.update = true;
    else if (a === '--build-only') opts.buildOnly = true;
    else if (a === '--sidecar-only') opts.sidecarOnly = true;
    else if (a === '--verbose') opts.verbose = true;
    else if (a.startsWith('--versions')) opts.versions = val().split(',');
    else if (a.startsWith('--only')) opts.only = new RegExp(val());
    else if (a.startsWith('--repeat')) opts.repeat = Math.max(1, Math.floor(seconds(val(), a)));
    else if (a.startsWith('--config-timeout')) opts.configTimeout = seconds(val(), a);
    else if (a.startsWith('--request-timeout')) opts.requestTimeout = seconds(val(), a);
    else if (a.startsWith('--router-src')) {
      const [v, dir] = splitPair(val(), a);
      opts.routerSrc[v] = resolve(dir);
    } else if (a.startsWith('--src')) {
      const [mv, dir] = splitPair(val(), a);
      opts.src[mv] = resolve(dir);
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run conformance -- [--router-src VERSION=DIR]... [--src MODULE@VERSION=DIR]... [--versions v0.9.0,...] [--update] [--build-only]
       [--request-timeout S] [--config-timeout S]
  default: the pinned modules come from the Go module proxy (go mod download)
  --router-src v0.9.0=/path/llm-d-router  use a local checkout of that tag instead (e.g. git archive v0.9.0)
  --src github.com/llm-d/llm-d-kv-cache@v0.7.1=/path  same for any other pinned module
  --only REGEX          judge only the matching corpus ids and print their verdicts (no comparison, no --update)
  --sidecar-only        only the routing-sidecar check (testdata/conformance/sidecar/; with --update, records it)
  --repeat 16           runs per config (each a fresh EPP); a field that differs between runs is recorded as varies
  --request-timeout 10  seconds the harness lets the router hold one request before cancelling it (verdict: timeout)
  --config-timeout 60   seconds one config may take in all before the harness process is killed (verdict: timeout)
  env PDCONF_SRC_ROOT=DIR: look for DIR/<repo>@<version> checkouts (e.g. DIR/llm-d-router@v0.9.0) for every pin`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  return opts;
}

function seconds(s, flag) {
  const n = Number(s);
  if (!(n > 0)) throw new Error(`${flag} wants a positive number of seconds, got ${s}`);
  return n;
}

function splitPair(s, flag) {
  const eq = s?.indexOf('=') ?? -1;
  if (eq <= 0) throw new Error(`${flag} wants KEY=DIR, got ${s}`);
  return [s.slice(0, eq), s.slice(eq + 1)];
}

function sh(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

export function versionsOnDisk() {
  return readdirSync(HARNESS)
    .filter((d) => /^v\d+\.\d+\.\d+$/.test(d) && existsSync(join(HARNESS, d, 'go.mod')))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** require lines of the harness go.mod: module -> version */
export function pins(version) {
  const text = readFileSync(join(HARNESS, version, 'go.mod'), 'utf8');
  const out = {};
  const body = text.replace(/\/\/.*$/gm, '');
  for (const m of body.matchAll(/^\s*(?:require\s+)?([a-z0-9.\-/]+\.[a-z]+\/[^\s]+)\s+(v[^\s]+)\s*$/gm)) out[m[1]] = m[2];
  return out;
}

class ProxyRefused extends Error {}

/** Where the source of module@ver is: a local dir given by the user, or the module cache after go mod download. */
function sourceOf(mod, ver, version, opts, primary) {
  if (primary && opts.routerSrc[version]) return opts.routerSrc[version];
  const key = `${mod}@${ver}`;
  if (opts.src[key]) return opts.src[key];
  if (process.env.PDCONF_SRC_ROOT) {
    const guess = join(process.env.PDCONF_SRC_ROOT, `${mod.split('/').pop()}@${ver}`);
    if (existsSync(join(guess, 'go.mod'))) return guess;
  }
  const args = ['mod', 'download', '-json', key];
  const r = sh('go', args, { cwd: CACHE });
  let info = {};
  try {
    info = JSON.parse(r.stdout);
  } catch {
    /* no JSON */
  }
  if (r.code === 0 && info.Dir) return info.Dir;
  const err = (info.Error || r.stderr || r.stdout).trim();
  const refused = /403 Forbidden|not available|410 Gone|404 Not Found/.test(err);
  const msg = `go ${args.join(' ')}\n  -> ${err}`;
  if (refused) throw new ProxyRefused(`${key}: the Go module proxy does not serve it\n  ${msg}`);
  throw new Error(`${key}: go mod download failed\n  ${msg}`);
}

function copyTree(from, to) {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to, { recursive: true, filter: (src) => !/\/\.git(\/|$)/.test(src) });
  // module cache copies are read-only
  const walk = (d) => {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else chmodSync(p, 0o644);
    }
  };
  walk(to);
}

function hashOf(parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Build the harness binary for one version; returns { bin, sidecar, source } */
function build(version, opts) {
  const spec = JSON.parse(readFileSync(join(HARNESS, version, 'harness.json'), 'utf8'));
  const pinned = pins(version);
  const mainVer = pinned[spec.module];
  if (!mainVer) throw new Error(`test/conformance/${version}/go.mod does not require ${spec.module}`);
  const dirs = {};
  for (const [mod, ver] of Object.entries(pinned)) dirs[mod] = sourceOf(mod, ver, version, opts, mod === spec.module);
  const harnessFiles = [join(HARNESS, 'main.go.in'), ...readdirSync(join(HARNESS, version)).map((f) => join(HARNESS, version, f))];
  const stamp = hashOf([
    process.version,
    sh('go', ['version']).stdout,
    ...Object.entries(dirs).map(([m, d]) => `${m}=${d}:${pinned[m]}`),
    ...harnessFiles.map((f) => readFileSync(f, 'utf8')),
  ]);
  const work = join(CACHE, version);
  const bin = join(work, 'pdconf');
  const sidecar = join(work, 'pd-sidecar');
  // --sidecar-only builds the sidecar alone, under its own stamp
  const stampFile = join(work, opts.sidecarOnly ? 'stamp.sidecar' : 'stamp');
  const source = Object.fromEntries(Object.entries(dirs).map(([m, d]) => [m, { version: pinned[m], from: d.startsWith(sh('go', ['env', 'GOMODCACHE']).stdout.trim()) ? 'module proxy' : d }]));
  if (existsSync(opts.sidecarOnly ? sidecar : bin) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    return { bin, sidecar: existsSync(sidecar) ? sidecar : undefined, source, cached: true };
  }
  const t0 = Date.now();
  const mainDir = join(work, 'src', 'main');
  copyTree(dirs[spec.module], mainDir);
  // the runner package that gets the harness file: the main module's, or a dependency copied next to it
  let runnerRoot = mainDir;
  const edits = [];
  if (spec.runner.module !== spec.module) {
    runnerRoot = join(work, 'src', 'runner');
    copyTree(dirs[spec.runner.module], runnerRoot);
    edits.push(`-replace=${spec.runner.module}=${runnerRoot}`);
  }
  for (const mod of spec.replaceFromSource ?? []) {
    const d = join(work, 'src', mod.split('/').pop());
    copyTree(dirs[mod], d);
    edits.push(`-replace=${mod}=${d}`);
  }
  for (const f of readdirSync(join(HARNESS, version)).filter((f) => f.endsWith('.go'))) {
    const text = readFileSync(join(HARNESS, version, f), 'utf8');
    // harness.json packageFiles: a file that must sit in another package of the main module (unexported access)
    const elsewhere = spec.packageFiles?.[f];
    const target = elsewhere ? join(mainDir, elsewhere, f) : /^package main\b/m.test(text) ? join(mainDir, 'cmd/pdconf', f) : join(runnerRoot, spec.runner.dir, f);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  mkdirSync(join(mainDir, 'cmd/pdconf'), { recursive: true });
  writeFileSync(join(mainDir, 'cmd/pdconf/main.go'), readFileSync(join(HARNESS, 'main.go.in'), 'utf8').replace('"PDCONF_RUNNER_PKG"', JSON.stringify(spec.runner.pkg)));
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() };
  if (edits.length) {
    const r = sh('go', ['mod', 'edit', ...edits], { cwd: mainDir, env });
    if (r.code !== 0) throw new Error(`go mod edit failed in ${mainDir}:\n${r.stderr}`);
  }
  log(`building the ${version} ${opts.sidecarOnly ? 'sidecar' : 'harness'} (${Object.entries(source).map(([m, s]) => `${m}@${s.version} from ${s.from}`).join(', ')})`);
  const r = opts.sidecarOnly ? { code: 0 } : sh('go', ['build', '-o', bin, './cmd/pdconf'], { cwd: mainDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.code !== 0) {
    const refused = r.stderr.match(/^.*(403 Forbidden|not available).*$/m);
    if (refused) throw new ProxyRefused(`${version}: a dependency is not served by the module proxy\n  go build ./cmd/pdconf (in ${mainDir})\n  -> ${refused[0]}`);
    throw new Error(`the ${version} harness does not build (go build ./cmd/pdconf in ${mainDir}):\n${r.stderr}`);
  }
  if (spec.sidecar) {
    const s = sh('go', ['build', '-o', sidecar, `./${spec.sidecar}`], { cwd: mainDir, env });
    if (s.code !== 0) {
      const refused = s.stderr.match(/^.*(403 Forbidden|not available).*$/m);
      if (refused) throw new ProxyRefused(`${version}: a dependency is not served by the module proxy\n  go build ./${spec.sidecar} (in ${mainDir})\n  -> ${refused[0]}`);
      throw new Error(`the ${version} sidecar does not build (go build ./${spec.sidecar} in ${mainDir}):\n${s.stderr}`);
    }
  }
  writeFileSync(stampFile, stamp);
  log(`built ${version} in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  return { bin, sidecar: spec.sidecar ? sidecar : undefined, source, cached: false };
}

function log(s) {
  process.stderr.write(`conformance: ${s}\n`);
}

/** The corpus of one version: id -> { file, text } */
export function corpus(version) {
  const dir = join(DATA, version);
  if (!existsSync(dir)) return {};
  const out = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    out[f.replace(/\.yaml$/, '')] = { file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') };
  }
  return out;
}

/**
 * Run configs through a built harness: [{id, text, allowExperimental}] -> {id: result}.
 *
 * One config at a time over JSON lines, so no config can hold up the others: the harness cancels a request the
 * router still holds after requestTimeout seconds (PDCONF_REQUEST_TIMEOUT; the prompt then says timeout), and a
 * config that gives no line within configTimeout seconds (a hang before or outside the requests) gets the verdict
 * stage "timeout"; the harness process is killed and a fresh one takes the next config. Progress goes to stderr
 * (onProgress) every few configs and for every slow or timed-out one, so a run shows it is alive.
 */
export function runHarness(bin, cases, { configTimeout = 60, requestTimeout = 10, onProgress = () => {} } = {}) {
  return new Promise((resolvePromise, reject) => {
    const results = {};
    let child;
    let buf = '';
    let err = '';
    let timer;
    let i = -1;
    let started;
    let waiting;
    const t0 = Date.now();
    const spawnChild = () => {
      buf = '';
      err = '';
      child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PDCONF_REQUEST_TIMEOUT: `${requestTimeout}s` } });
      const me = child;
      child.stdout.on('data', (d) => {
        if (me !== child) return;
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) answered(JSON.parse(line));
        }
      });
      child.stderr.on('data', (d) => {
        if (me === child) err = (err + d).slice(-8000);
      });
      child.on('error', (e) => me === child && fail(e));
      child.on('close', (code, signal) => {
        if (me !== child || waiting === undefined) return;
        // a Go panic in a goroutine the router started (no recover() can catch it) takes the EPP down: that is the
        // router's verdict on this config (the real EPP would crash the same way), not a harness failure
        const crash = routerCrash(err);
        if (!crash) return fail(new Error(`harness ${bin} exited ${code ?? signal} while judging ${waiting}:\n${err.slice(-4000)}`));
        clearTimeout(timer);
        const id = waiting;
        results[id] = { id, loaded: false, stage: 'crash', error: crash };
        onProgress({ done: i + 1, total: cases.length, seconds: (Date.now() - t0) / 1000, id, crash });
        spawnChild();
        next();
      });
    };
    const fail = (e) => {
      clearTimeout(timer);
      waiting = undefined;
      child?.kill('SIGKILL');
      reject(e);
    };
    const next = () => {
      clearTimeout(timer);
      i++;
      if (i >= cases.length) {
        waiting = undefined;
        child.stdin.end();
        onProgress({ done: cases.length, total: cases.length, seconds: (Date.now() - t0) / 1000, end: true });
        return resolvePromise(results);
      }
      const c = cases[i];
      waiting = c.id;
      started = Date.now();
      timer = setTimeout(() => {
        const id = waiting;
        waiting = undefined;
        const dead = child;
        child = undefined;
        dead.kill('SIGKILL');
        results[id] = { id, loaded: false, stage: 'timeout', error: `harness: no verdict within ${configTimeout}s (the router's start-up or request path blocked; the process was killed)`, timeout: true };
        onProgress({ done: i + 1, total: cases.length, seconds: (Date.now() - t0) / 1000, id, timeout: true });
        spawnChild();
        next();
      }, configTimeout * 1000);
      child.stdin.write(JSON.stringify({ id: c.id, config: c.text, allowExperimental: !!c.allowExperimental, pods: c.pods ?? defaultPods(), requests: c.requests ?? DEFAULT_REQUESTS }) + '\n');
    };
    const answered = (r) => {
      if (r.id !== waiting) return fail(new Error(`harness answered ${r.id} while judging ${waiting}`));
      results[r.id] = r;
      const took = (Date.now() - started) / 1000;
      const timedOut = Object.values(r.prompts ?? {}).some((p) => p.timeout);
      onProgress({ done: i + 1, total: cases.length, seconds: (Date.now() - t0) / 1000, id: r.id, took, timeout: timedOut });
      next();
    };
    spawnChild();
    next();
  });
}

/**
 * The panic that killed the harness process, from its stderr: the panic line and the function it happened in
 * (without arguments, addresses or paths, so it is the same on every run); undefined when it was no Go panic.
 */
export function routerCrash(stderr) {
  const m = /^panic: (.*)$/m.exec(stderr);
  if (!m) return undefined;
  const after = stderr.slice(m.index).split('\n');
  const g = after.findIndex((l) => /^goroutine \d+ \[/.test(l));
  const frame = g >= 0 ? after.slice(g + 1).find((l) => l && !/^\s/.test(l) && !/^(runtime|panic)\b|^runtime\./.test(l)) : undefined;
  const fn = frame?.replace(/\(.*$/, '').split('/').pop();
  return `panic: ${m[1].trim()}${fn ? ` (in ${fn})` : ''}`;
}

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function canConnect(port) {
  return import('node:net').then(
    ({ connect }) =>
      new Promise((res) => {
        const s = connect({ host: '127.0.0.1', port });
        s.once('connect', () => {
          s.destroy();
          res(true);
        });
        s.once('error', () => res(false));
      }),
  );
}

/**
 * Start the real sidecar with `args` (its listen port moved to a free loopback port) and see whether it serves or
 * exits. Bounded: at most 20 s, and the process is always killed.
 */
export async function runSidecar(bin, args, listenFlag, defaultPort) {
  const port = await freePort();
  let moved = false;
  const argv = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = new RegExp(`^--${listenFlag}(=.*)?$`).exec(a);
    if (m && m[1] !== undefined) {
      argv.push(`--${listenFlag}=${port}`);
      moved = true;
    } else if (m && i + 1 < args.length) {
      argv.push(a, String(port));
      i++;
      moved = true;
    } else argv.push(a);
  }
  const listen = moved ? port : defaultPort;
  if (!moved && (await canConnect(listen))) return { starts: false, exitCode: -1, said: `harness: default port ${listen} is busy` };
  const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let exited;
  const done = new Promise((res) => child.on('exit', (code, signal) => res((exited = { code, signal }))));
  const deadline = Date.now() + 20_000;
  let starts = false;
  while (Date.now() < deadline && !exited) {
    if (await canConnect(listen)) {
      starts = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!exited) child.kill('SIGKILL');
  await done;
  if (starts) return { starts: true };
  if (exited && !exited.signal) {
    const lines = log.trim().split('\n').filter(Boolean);
    // pflag prints its usage text too (whose lines may say "error"): the specific reasons first
    const last = lines.find((l) => /unknown (shorthand )?flag|invalid argument|Invalid configuration/i.test(l)) ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '';
    return { starts: false, exitCode: exited.code, said: sidecarSaid(last) };
  }
  throw new Error(`sidecar ${argv.join(' ')} neither listened on 127.0.0.1:${listen} nor exited within 20 s`);
}

/**
 * The sidecar's reason, stable across runs: of a zap JSON line only msg and error (its ts and the stack trace with the
 * scratch path change every run), else the line itself; whitespace squeezed, at most 300 characters.
 */
export function sidecarSaid(line) {
  let said = line;
  try {
    const j = JSON.parse(line);
    if (j && typeof j === 'object' && typeof j.msg === 'string') said = j.error === undefined ? j.msg : `${j.msg}: ${j.error}`;
  } catch {
    /* not a JSON log line */
  }
  return said.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * The router's error text with its map-order noise removed: a parenthesised list of quoted names (v0.9.0/v0.10.0's
 * "multiple profile handlers found ('a', 'b')" walks a Go map) is sorted.
 */
export function stableError(e) {
  return e.replace(/\(('[^']*'(?:, '[^']*')+)\)/g, (_, list) => `(${list.split(', ').sort().join(', ')})`);
}

const DEFAULT_REQUESTS = [
  { name: 'long', kind: 'long' },
  { name: 'hi', kind: 'hi' },
];

/**
 * The part of a harness result that is recorded and compared. `pods` is the pool the harness was given (default: the
 * default pool); when it is not the default pool (scripts/conformance-pool.mjs), each prompt also records `picked`
 * (profile=pods), and with an encode pod `encode`: x-encoder-hosts-ports was set and names only encode pods.
 */
export function verdictOf(r, pods = defaultPods()) {
  const v = { loaded: r.loaded, stage: r.stage };
  if (r.error) v.error = stableError(r.error);
  const addrs = (stage) => pods.filter((p) => p.name.startsWith(`${stage}-`)).map((p) => `${p.ip}:${POD_PORT}`);
  const encoders = addrs('encode');
  if (r.loaded) {
    for (const [name, p] of Object.entries(r.prompts ?? {})) {
      // header: set at all; headerToPrefill: it names a prefill pod of the pool
      v[name] = { prefill: p.prefill, decode: p.decode, header: p.header !== '', headerToPrefill: addrs('prefill').includes(p.header) };
      if (!isDefaultPool(pods)) v[name].picked = pickedOf(p.profiles);
      if (encoders.length) {
        const named = (p.encodeHeader ?? '').split(',').filter(Boolean);
        v[name].encode = named.length > 0 && named.every((a) => encoders.includes(a));
      }
      if (p.error) v[name].error = stableError(p.error);
      // the harness cancelled the request after PDCONF_REQUEST_TIMEOUT: no verdict from the router for this prompt
      if (p.timeout) v[name].timeout = true;
    }
  }
  return v;
}

/**
 * One verdict from the verdicts of repeated runs of the same config (each a fresh EPP). Where the router breaks a
 * tie at random (its pickers shuffle equal scores with a time-seeded source; a config without role filters sends a
 * request to either pod), a field can differ between runs: it is then recorded as false and named in `varies`, so a
 * recorded verdict is the same on every run and a request that only sometimes disaggregates never counts as one.
 */
export function mergeVerdicts(runs) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const merge = (objs) => {
    const out = {};
    const varies = [];
    const keys = [...new Set(objs.flatMap((o) => Object.keys(o)))].filter((k) => k !== 'varies');
    for (const k of keys) {
      const vals = objs.map((o) => o[k]);
      if (vals.every((x) => same(x, vals[0]))) {
        if (vals[0] !== undefined) out[k] = vals[0];
      } else if (vals.every((x) => x && typeof x === 'object')) out[k] = merge(vals);
      else {
        varies.push(k);
        out[k] = typeof vals.find((x) => x !== undefined) === 'string' ? '(differs between runs)' : false;
      }
    }
    if (varies.length) out.varies = varies.sort();
    return out;
  };
  return runs.length === 1 ? runs[0] : merge(runs);
}

/** The sidecar part: start the tag's real sidecar with every recorded argument list; false when it disagrees or crashed. */
async function checkSidecar(version, built, opts) {
  if (!built.sidecar) return true;
  try {
    const { compareSidecar } = await import('./conformance-compare.mjs');
    return await compareSidecar({ version, bin: built.sidecar, source: built.source, update: opts.update, runSidecar });
  } catch (e) {
    console.error(`\nconformance ${version}: the sidecar check crashed\n${e.message}`);
    return false;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(join(CACHE, 'go.mod'))) writeFileSync(join(CACHE, 'go.mod'), 'module pdconf.scratch\n\ngo 1.25\n');
  const versions = opts.versions ?? versionsOnDisk();
  const { compare } = await import('./conformance-compare.mjs');
  let failed = false;
  const refused = [];
  for (const version of versions) {
    let built;
    const t0 = Date.now();
    try {
      built = build(version, opts);
    } catch (e) {
      if (e instanceof ProxyRefused) {
        refused.push(`${version}: ${e.message}`);
        continue;
      }
      console.error(`\nconformance ${version}: FAILED\n${e.message}`);
      failed = true;
      continue;
    }
    if (opts.buildOnly) {
      log(`${version}: harness ${built.bin}${built.cached ? ' (cached)' : ''}`);
      continue;
    }
    if (opts.sidecarOnly) {
      if (!(await checkSidecar(version, built, opts))) failed = true;
      continue;
    }
    const cases = Object.entries(corpus(version))
      .filter(([id]) => !opts.only || opts.only.test(id))
      .map(([id, c]) => ({ id, text: c.text, allowExperimental: /^# pdconf: allow-experimental-plugins$/m.test(c.text), scenarios: scenarios(c.text) }));
    // each scenario of a config (its own pool; a rollout's two-revision pools) is one harness input, a fresh EPP
    const inputs = (list) =>
      list.flatMap((c) => c.scenarios.map((s) => ({ id: s.scenario ? `${c.id}@${s.scenario}` : c.id, text: c.text, allowExperimental: c.allowExperimental, pods: s.pods, requests: s.requests })));
    const combined = (c, res) => {
      const v = verdictOf(res[c.id], c.scenarios[0].pods);
      for (const s of c.scenarios.slice(1)) {
        const r = res[`${c.id}@${s.scenario}`];
        v[s.scenario] = r.loaded ? rolloutVerdict(r, s.pods, s.revisionKey) : { loaded: false, stage: r.stage, ...(r.error ? { error: stableError(r.error) } : {}) };
      }
      return v;
    };
    let live;
    try {
      log(`${version}: judging ${cases.length} configs (request timeout ${opts.requestTimeout}s, config timeout ${opts.configTimeout}s)`);
      let lastLog = Date.now();
      const first = await runHarness(built.bin, inputs(cases), {
        configTimeout: opts.configTimeout,
        requestTimeout: opts.requestTimeout,
        onProgress: (p) => {
          const at = `${version}: ${p.done}/${p.total} (${p.seconds.toFixed(0)}s)`;
          if (p.timeout) log(`${at} TIMEOUT ${p.id}: the router held it past the deadline; its verdict is "timeout", never agreement`);
          else if (p.crash) log(`${at} CRASH ${p.id}: the router's code panicked (${p.crash}); verdict "crash"`);
          else if (p.took > 5) log(`${at} slow: ${p.id} took ${p.took.toFixed(1)}s`);
          else if (p.end) log(`${version}: judged ${p.total} configs in ${p.seconds.toFixed(0)}s`);
          else if (p.done % 25 === 0 || Date.now() - lastLog > 15_000) log(at);
          else return;
          lastLog = Date.now();
        },
      });
      // the same configs again, each on a fresh EPP, to see which verdict fields the router decides at random
      const runs = Object.fromEntries(cases.map((c) => [c.id, [combined(c, first)]]));
      const settled = (r) => r.loaded && !Object.values(r.prompts ?? {}).some((p) => p.timeout);
      const again = cases.filter((c) => inputs([c]).every((i) => settled(first[i.id])));
      for (let k = 2; k <= opts.repeat; k++) {
        const more = await runHarness(built.bin, inputs(again), { configTimeout: opts.configTimeout, requestTimeout: opts.requestTimeout });
        for (const c of again) runs[c.id].push(combined(c, more));
        if (k % 4 === 0 || k === opts.repeat) log(`${version}: repeat ${k}/${opts.repeat} of the ${again.length} configs that loaded (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
      }
      live = Object.fromEntries(Object.entries(runs).map(([id, vs]) => [id, mergeVerdicts(vs)]));
      const varying = Object.entries(live).filter(([, v]) => JSON.stringify(v).includes('"varies"')).map(([id]) => id);
      if (varying.length) log(`${version}: decided at random by the router (recorded as varies): ${varying.join(', ')}`);
    } catch (e) {
      console.error(`\nconformance ${version}: the harness crashed\n${e.message}`);
      failed = true;
      continue;
    }
    if (opts.only) {
      for (const c of cases) console.log(JSON.stringify({ id: c.id, ...live[c.id] }));
      continue;
    }
    const ok = await compare({ version, live, cases, source: built.source, update: opts.update, verbose: opts.verbose, seconds: (Date.now() - t0) / 1000 });
    if (!ok) failed = true;
    if (!(await checkSidecar(version, built, opts))) failed = true;
  }
  if (refused.length) {
    const bar = '!'.repeat(100);
    console.error(`\n${bar}\nconformance: NOT PROVEN LIVE for ${refused.length} router version(s): the Go module proxy refused a pinned module.\n` +
      `The recorded verdicts (testdata/conformance/*/verdicts.json) are still checked by npm test (replay).\n` +
      `To prove it live from local checkouts: npm run conformance -- --router-src VERSION=DIR [--src MODULE@VERSION=DIR]\n\n` +
      refused.join('\n\n') + `\n${bar}\n`);
  }
  if (failed) process.exitCode = 1;
  else if (refused.length) process.exitCode = EXIT_PROXY_REFUSED;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`conformance: ${e.message}`);
    process.exitCode = 1;
  });
}
