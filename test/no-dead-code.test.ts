// No dead code (issue 19): knip (knip.jsonc) finds no unused file, export, exported type or dependency. A function
// nobody calls any more, a helper left behind by a move or a package no longer imported fails this test until it is
// deleted or wired in.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const knipBin = resolve('node_modules/knip/bin/knip.js');

describe('dead code', () => {
  it('knip finds no unused file, export, type or dependency', () => {
    const r = spawnSync(process.execPath, [knipBin, '--no-progress', '--no-config-hints'], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);
});
