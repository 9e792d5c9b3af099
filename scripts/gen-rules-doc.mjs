// Regenerate docs/rules.md from the rule registry: bundle scripts/rules-doc.ts (which imports the registry) into a
// temporary module, render, write. test/rules/doc.test.ts fails when the committed file is stale.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-rules-doc-'));
try {
  const outfile = join(dir, 'rules-doc.mjs');
  // the yaml package is CommonJS and requires node builtins: give the ESM bundle a require
  const banner = { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" };
  await build({ entryPoints: ['scripts/rules-doc.ts'], outfile, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning', banner });
  const { renderRulesDoc } = await import(pathToFileURL(outfile).href);
  writeFileSync('docs/rules.md', renderRulesDoc());
  console.log('wrote docs/rules.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
