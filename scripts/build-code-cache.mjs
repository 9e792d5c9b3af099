// Write dist/pd-disagg.js.cache for a node binary: compile the core (dist/pd-disagg.core.js) the way
// scripts/launcher.cjs does, run it once on the example package (as kpt sends it), then save V8's code cache, which now
// holds every function that run compiled, behind the header the launcher checks. Then check that the launcher takes it.
//   node scripts/build-code-cache.mjs [LAUNCHER [NODE]]   (NODE: the node binary that will run the function)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceListFromDir } from './resource-list.mjs';

// runs in the target node: argv = [node, launcher, cache file]
const WRITER = `
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const [launcher, out] = process.argv.slice(1);
const coreFile = launcher.replace(/\\.js$/, '') + '.core.js';
const core = fs.readFileSync(coreFile, 'latin1');
const id = /^\\/\\/ pd-disagg core ([0-9a-f]+)\\n/.exec(core)[1];
const header = ['pd-disagg code cache v2', id, String(core.length), process.version, process.arch, process.versions.v8, ''].join('\\n');
const script = new vm.Script('(function (exports, require, module, __filename, __dirname) {' + core + '\\n})', { filename: coreFile });
process.on('exit', () => fs.writeFileSync(out, Buffer.concat([Buffer.from(header), script.createCachedData()])));
process.argv = [process.argv[0], launcher];
const m = { exports: {} };
script.runInThisContext()(m.exports, require, m, coreFile, path.dirname(launcher));
`;

export function writeCodeCache(bundle = 'dist/pd-disagg.js', node = process.execPath) {
  const cache = `${bundle}.cache`;
  const example = resolve(fileURLToPath(import.meta.url), '../../examples/qwen-pd');
  if (!existsSync(example)) throw new Error(`code cache: the warm-up input ${example} is missing (copy examples/ into the build)`);
  const input = resourceListFromDir(resolve(fileURLToPath(import.meta.url), '../../examples/qwen-pd'), {
    configFile: 'pd-disagg.yaml',
  });
  const env = { ...process.env };
  delete env.PD_DISAGG_CODE_CACHE_DEBUG;
  const made = spawnSync(node, ['-e', WRITER, resolve(bundle), cache], { input, env, encoding: 'utf8' });
  if (made.status !== 0 || !existsSync(cache)) {
    throw new Error(`code cache: the warm-up run failed (exit ${made.status}):\n${made.stderr}`);
  }
  const check = spawnSync(node, [bundle, '--version'], {
    env: { ...process.env, PD_DISAGG_CODE_CACHE_DEBUG: '1', PD_DISAGG_CODE_CACHE: '' },
    encoding: 'utf8',
  });
  if (!/code cache: used/.test(check.stderr)) throw new Error(`code cache: written but not taken:\n${check.stderr}`);
  return cache;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeCodeCache(process.argv[2], process.argv[3]);
}
