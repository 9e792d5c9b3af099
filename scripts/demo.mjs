// npm run demo: run the bundled function on examples/qwen-pd, show the ResourceList kpt or kustomize would get back,
// then what the render did, for people (pd-disagg --explain on the same input).
import { spawnSync } from 'node:child_process';
import { resourceListFromDir } from './resource-list.mjs';

const input = resourceListFromDir('examples/qwen-pd', { configFile: 'pd-disagg.yaml' });
const out = spawnSync(process.execPath, ['dist/pd-disagg.js'], { input, encoding: 'utf8' });
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.stdout.write(`\n# pd-disagg exited ${out.status}: the ResourceList above is what kpt or kustomize would get back.\n`);
const explained = spawnSync(process.execPath, ['dist/pd-disagg.js', '--explain'], { input, encoding: 'utf8' });
process.stdout.write(`# What it did and why (pd-disagg --explain, same input):\n\n${explained.stdout}`);
process.stderr.write(explained.stderr);
process.exitCode = out.status ?? 1;
