// Build the function into dist/: one bundle that runs with plain node and needs no node_modules, a launcher in front
// of it, and the launcher's V8 code cache for this node.
//
//   dist/pd-disagg.js          the launcher (scripts/launcher.cjs): runs the core with its code cache
//   dist/pd-disagg.core.js     the function: src/main.ts bundled and minified (runs on its own too, just slower)
//   dist/pd-disagg.js.cache    V8's code cache for the core, for this node
//
//   node scripts/build.mjs                   all three
//   node scripts/build.mjs --no-code-cache   no cache (the function runs the same, only its start is slower)
//   node scripts/build.mjs --out DIR --sha256-from-node-crypto
//                                            a variant for npm run bench: the EPP checksum hashed by node:crypto
//                                            instead of src/plan/sha256.ts (the bench's hash group)
//
// The three travel together (package.json files, the images). The cache belongs to the node that wrote it: the image
// build writes its own with the image's node (Dockerfile), and scripts/build-code-cache.mjs rewrites it for whatever
// node runs it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeCodeCache } from './build-code-cache.mjs';

const argOf = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const outDir = argOf('--out') ?? 'dist';
const outfile = `${outDir}/pd-disagg.js`;
const coreFile = `${outDir}/pd-disagg.core.js`;
/** --sha256-from-node-crypto: the module that hashes the EPP config replaced by node:crypto's SHA-256 */
const nodeCryptoSha256 = {
  name: 'sha256-from-node-crypto',
  setup(b) {
    b.onResolve({ filter: /\/sha256\.js$/ }, () => ({ path: 'sha256', namespace: 'node-crypto-sha256' }));
    b.onLoad({ filter: /.*/, namespace: 'node-crypto-sha256' }, () => ({
      contents: "import { createHash } from 'node:crypto';\nexport const sha256Hex = (text) => createHash('sha256').update(text).digest('hex');\n",
      loader: 'js',
    }));
  },
};
const { outputFiles } = await build({
  plugins: process.argv.includes('--sha256-from-node-crypto') ? [nodeCryptoSha256] : [],
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
// the launcher reads the core as latin1: it must be ASCII, which esbuild's output is unless told otherwise
if (!/^[\x00-\x7f]*$/.test(core)) throw new Error('build: the bundle is not ASCII; the launcher reads it as latin1');
const coreId = createHash('sha256').update(core).digest('hex').slice(0, 32);
const launcher = readFileSync('scripts/launcher.cjs', 'utf8');
mkdirSync(outDir, { recursive: true });
rmSync(`${outfile}.cache`, { force: true });
writeFileSync(coreFile, `// pd-disagg core ${coreId}\n${core}`);
writeFileSync(outfile, `#!/usr/bin/env node\n${launcher}`);
chmodSync(outfile, 0o755);
if (!process.argv.includes('--no-code-cache')) writeCodeCache(outfile);
