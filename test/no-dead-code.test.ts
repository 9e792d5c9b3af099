// No dead code (issue 19): knip (knip.jsonc) finds no unused file, export, exported type or dependency. A function
// nobody calls any more, a helper left behind by a move or a package no longer imported fails this test until it is
// deleted or wired in. Production mode leaves the tests out, so an export that only tests call fails it too: the
// tests go through the path the product uses, or the product uses what they test.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const knipBin = resolve('node_modules/knip/bin/knip.js');

describe('dead code', () => {
  it.each([
    ['with the tests', []],
    ['without the tests (--production)', ['--production']],
  ])('knip finds no unused file, export, type or dependency %s', (_mode, flags) => {
    const r = spawnSync(process.execPath, [knipBin, '--no-progress', '--no-config-hints', ...flags], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);
});
