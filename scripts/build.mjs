// Build dist/pd-disagg.js: one file that runs with plain node and needs no node_modules, and next to it
// dist/pd-disagg.js.cache, a V8 code cache that lets this node skip compiling the function on every start.
//
//   node scripts/build.mjs                   bundle and code cache
//   node scripts/build.mjs --no-code-cache   bundle only (the function runs the same, only its start is slower)
//
// dist/pd-disagg.js is scripts/launcher.cjs with the bundled function (src/main.ts, minified) in a string; see the
// launcher for when the cache is used. The cache belongs to the node that wrote it: the image build writes its own
// with the image's node (Dockerfile), and scripts/build-code-cache.mjs rewrites it for whatever node runs it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeCodeCache } from './build-code-cache.mjs';

const outfile = 'dist/pd-disagg.js';
const { outputFiles } = await build({
  entryPoints: ['src/main.ts'],
  write: false,
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // The yaml package's ES-module build (the same code as its CommonJS one, published for browsers): bundled as ESM it is
  // scope-hoisted and tree-shaken, with no CommonJS wrappers to run and no export getters to copy on every start. Its
  // only differences do not reach us: warnings go to console.warn instead of process.emitWarning (we set logLevel
  // 'error'), and the YAML 1.1 !!binary tag uses atob/btoa (we read YAML 1.2).
  alias: { yaml: './node_modules/yaml/browser/dist/index.js' },
  define: { PD_DISAGG_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});
const core = outputFiles[0].text;
const coreId = createHash('sha256').update(core).digest('hex').slice(0, 32);
const launcher = readFileSync('scripts/launcher.cjs', 'utf8');
mkdirSync('dist', { recursive: true });
rmSync(`${outfile}.cache`, { force: true });
writeFileSync(
  outfile,
  `#!/usr/bin/env node\n'use strict';\nconst CORE_ID = ${JSON.stringify(coreId)};\nconst CORE = ${JSON.stringify(core)};\n${launcher}`,
);
chmodSync(outfile, 0o755);
if (!process.argv.includes('--no-code-cache')) writeCodeCache(outfile);
