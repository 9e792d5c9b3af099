// Write dist/pd-disagg.js.cache for the node running this script: run the bundle once on the example package (as
// kpt sends it) with PD_DISAGG_WRITE_CODE_CACHE set, then check that the bundle takes the cache.
//   node scripts/build-code-cache.mjs [BUNDLE [NODE]]   (NODE: the node binary that will run the bundle)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resourceListFromDir } from './resource-list.mjs';

export function writeCodeCache(bundle = 'dist/pd-disagg.js', node = process.execPath) {
  const cache = `${bundle}.cache`;
  const input = resourceListFromDir(resolve(fileURLToPath(import.meta.url), '../../examples/qwen-pd'), {
    configFile: 'pd-disagg.yaml',
  });
  const env = { ...process.env, PD_DISAGG_WRITE_CODE_CACHE: cache };
  delete env.PD_DISAGG_CODE_CACHE_DEBUG;
  const made = spawnSync(node, [bundle], { input, env, encoding: 'utf8' });
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
