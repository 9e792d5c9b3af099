// dist/pd-disagg.js: starts the function, dist/pd-disagg.core.js (src/main.ts bundled and minified, a plain CommonJS
// file that also runs on its own), with its V8 code cache when there is one.
//
// A KRM function pays its start-up on every render, and most of that is V8 compiling the bundle's functions the
// first time they run. A V8 code cache made after a real run (dist/pd-disagg.js.cache, written by the build and by
// the image build) holds their bytecode, so this run can skip the compiling. The cache is used only when its header
// names this exact core (the id on the core's first line, and its length), node version, architecture and V8; V8
// itself then refuses data made with other flags (cachedDataRejected). Anything else (no file, another node, a
// truncated or foreign file) compiles from source, which is exactly what running the core alone does: the cache can
// make a run faster, never different.
//
// The core is a file of its own, not a string in this one, because node reads and scans the whole of its main
// script before running any of it: a 300 kB string here cost about 2 ms of every start (issue #7). It is ASCII
// (esbuild's default), so it is read as latin1, without decoding.
//
//   PD_DISAGG_CODE_CACHE=0            ignore the cache
//   PD_DISAGG_CODE_CACHE_DEBUG=1      say on stderr whether the cache was used and why not
//
// The launcher only reads: scripts/build-code-cache.mjs writes the cache. The only code it compiles is the core file.
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');

const MAGIC = 'pd-disagg code cache v2';
const CORE_ID_LINE = /^\/\/ pd-disagg core ([0-9a-f]+)\n/;

/** What the cache file starts with (scripts/build-code-cache.mjs writes the same). */
function cacheHeader(coreId, coreLength) {
  return `${MAGIC}\n${coreId}\n${coreLength}\n${process.version}\n${process.arch}\n${process.versions.v8}\n`;
}

/** The cached data for this core and this node, or undefined with the reason. */
function readCache(file, core) {
  if (process.env.PD_DISAGG_CODE_CACHE === '0') return { why: 'off (PD_DISAGG_CODE_CACHE=0)' };
  const id = CORE_ID_LINE.exec(core);
  if (!id) return { why: 'not used: the core has no id line' };
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return { why: `missing (${file})` };
  }
  const header = Buffer.from(cacheHeader(id[1], core.length));
  if (buf.length <= header.length || !buf.subarray(0, header.length).equals(header)) {
    return { why: 'stale: made for another build, node version or architecture' };
  }
  return { data: buf.subarray(header.length) };
}

function start() {
  const self = __filename;
  const coreFile = `${self.replace(/\.js$/, '')}.core.js`;
  let core;
  try {
    core = fs.readFileSync(coreFile, 'latin1');
  } catch (err) {
    process.stderr.write(`pd-disagg: error: cannot read ${coreFile} (${err.code ?? err.message}): it is installed next to ${self}; reinstall pd-disagg\n`);
    process.exitCode = 2;
    return;
  }
  const debug = process.env.PD_DISAGG_CODE_CACHE_DEBUG === '1';
  const cache = readCache(`${self}.cache`, core);
  // same wrapper as node's CommonJS loader, so the core sees require, module and __filename as when run on its own
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${core}\n})`, {
    filename: coreFile,
    cachedData: cache.data,
  });
  if (debug) {
    const state = cache.data ? (script.cachedDataRejected ? 'rejected by V8 (other flags?)' : 'used') : cache.why;
    process.stderr.write(`pd-disagg: code cache: ${state}\n`);
  }
  script.runInThisContext()(module.exports, require, module, coreFile, __dirname);
}

start();
