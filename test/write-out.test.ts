// writeOut (src/write/output.ts) in-process: test/output.test.ts runs it through the built bundle on real pipes, which
// `npm run mutate` cannot see; this states the same contract on a descriptor the test can read back.
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOut } from '../src/write/output.js';

describe('writeOut', () => {
  it('writes every byte of the text, multi-byte characters included, and says so', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pd-disagg-out-')), 'out');
    const fd = openSync(file, 'w');
    // more than one pipe buffer (64 KiB), with characters of two, three and four bytes
    const text = `${'items: [ü, 日本, 🙂]\n'.repeat(8000)}end\n`;
    try {
      // a file descriptor stands in for stdout
      expect(writeOut(fd as 1, text)).toBe('written');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
