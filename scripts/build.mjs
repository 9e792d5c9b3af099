// Bundle the function into one file that runs with plain node and needs no node_modules: dist/pd-disagg.js.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const outfile = 'dist/pd-disagg.js';
await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
  define: { PD_DISAGG_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
});
chmodSync(outfile, 0o755);
