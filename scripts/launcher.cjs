// The start of dist/pd-disagg.js. scripts/build.mjs puts two constants in front of this file: CORE, the bundled
// function (src/main.ts, minified) as a string, and CORE_ID, a hash of that string.
//
// A KRM function pays its start-up on every render, and most of that is V8 compiling the bundle's functions the
// first time they run. A V8 code cache made after a real run (dist/pd-disagg.js.cache, written by the build and by
// the image build) holds their bytecode, so this run can skip the compiling. The cache is used only when its header
// names this exact core, node version, architecture and V8; V8 itself then refuses data made with other flags
// (cachedDataRejected). Anything else (no file, another node, a truncated or foreign file) compiles from source, which
// is exactly what a plain bundle does: the cache can make a run faster, never different.
//
//   PD_DISAGG_CODE_CACHE=0            ignore the cache
//   PD_DISAGG_CODE_CACHE_DEBUG=1      say on stderr whether the cache was used and why not
//
// The launcher only reads: scripts/build-code-cache.mjs writes the cache. The only code it compiles is CORE, a
// constant of this file.
/* global CORE, CORE_ID */
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');

const MAGIC = 'pd-disagg code cache v1';

/** What the cache file starts with (scripts/build-code-cache.mjs writes the same). */
function cacheHeader() {
  return `${MAGIC}\n${CORE_ID}\n${process.version}\n${process.arch}\n${process.versions.v8}\n`;
}

/** The cached data for this core and this node, or undefined with the reason. */
function readCache(file) {
  if (process.env.PD_DISAGG_CODE_CACHE === '0') return { why: 'off (PD_DISAGG_CODE_CACHE=0)' };
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return { why: `missing (${file})` };
  }
  const header = Buffer.from(cacheHeader());
  if (buf.length <= header.length || !buf.subarray(0, header.length).equals(header)) {
    return { why: 'stale: made for another build, node version or architecture' };
  }
  return { data: buf.subarray(header.length) };
}

function start() {
  const self = __filename;
  const cacheFile = `${self}.cache`;
  const debug = process.env.PD_DISAGG_CODE_CACHE_DEBUG === '1';
  const cache = readCache(cacheFile);
  // same wrapper as node's CommonJS loader, so the core sees require, module and __filename as a bundle would
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${CORE}\n})`, {
    filename: self,
    cachedData: cache.data,
  });
  if (debug) {
    const state = cache.data ? (script.cachedDataRejected ? 'rejected by V8 (other flags?)' : 'used') : cache.why;
    process.stderr.write(`pd-disagg: code cache: ${state}\n`);
  }
  script.runInThisContext()(module.exports, require, module, self, __dirname);
}

start();
