// npm run demo: run the bundled function on examples/qwen-pd and show what it did.
import { spawnSync } from 'node:child_process';
import { resourceListFromDir } from './resource-list.mjs';

const input = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
const out = spawnSync(process.execPath, ['dist/pd-disagg.js'], { input, encoding: 'utf8' });
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.stderr.write(`\npd-disagg exited ${out.status}: the ResourceList above is what kpt or kustomize would get back.\n`);
process.exitCode = out.status ?? 1;
