// `pd-disagg --help` is generated from the README (scripts/gen-help.mjs): the committed file must match what the
// README says now, and the binary must print it and exit 0 (kpt fn doc relies on that).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, generateHelp, toText } from '../../scripts/gen-help.mjs';
import { USAGE } from '../../src/help.js';
import { BUNDLE } from './harness.js';

describe('--help generated from the README', () => {
  it('src/help.generated.ts is in step with README.md (else run: node scripts/gen-help.mjs)', () => {
    expect(readFileSync('src/help.generated.ts', 'utf8')).toBe(generate());
  });

  it('the built binary prints it and exits 0', () => {
    const r = spawnSync('node', [BUNDLE, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(USAGE);
    expect(r.stdout).toBe(generateHelp(readFileSync('README.md', 'utf8')));
  });

  it('covers both modes, the exit status and every FunctionConfig field of the README table', () => {
    expect(USAGE).toContain('pd-disagg --config FILE');
    expect(USAGE).toContain('Exit status');
    const readme = readFileSync('README.md', 'utf8');
    const fields = [...readme.matchAll(/^\| `(spec\.[\w.]+|metadata\.name)`/gm)].map((m) => m[1]!);
    expect(fields.length).toBeGreaterThan(10);
    for (const field of fields) expect(USAGE).toContain(field);
  });

  it('names nothing that exists only in a checkout: repository files only as links an installed user can open', () => {
    const withoutUrls = USAGE.replace(/https:\/\/\S+/g, 'URL');
    expect(withoutUrls).not.toMatch(/\b(src|fn-config|examples|scripts|test|testdata|docs|argocd)\/[\w./-]+/);
    expect(withoutUrls).not.toMatch(/\b[\w-]+\.(json|ts|mjs|md)\b/);
    expect(USAGE).toContain('https://github.com/pd-disagg/pd-disagg#readme');
  });

  it('turns markdown into plain text', () => {
    expect(toText('**bold** `code` [words](docs/x.md) [here](#anchor)')).toBe('bold code words (docs/x.md) here');
    expect(toText('| a | b |\n|---|---|\n| 1 | 22 |')).toBe('  a  b\n  -  --\n  1  22');
    expect(toText('```sh\nkpt fn render\n```')).toBe('  kpt fn render');
  });
});
