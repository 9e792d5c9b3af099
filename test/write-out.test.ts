// writeOut (src/write/output.ts) in-process: test/output.test.ts runs it through the built bundle on real pipes, which
// `npm run mutate` cannot see; this states the same contract on a descriptor the test can read back, and with
// write(2) standing in as the kernel would answer on a pipe: short writes, EAGAIN on a non-blocking descriptor, EPIPE.
import * as fs from 'node:fs';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOut } from '../src/write/output.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'pd-disagg-out-')), 'out');

type WriteSync = (fd: number, buf: Buffer, offset: number, length: number) => number;

/** writeOut with node:fs's writeSync replaced by `fake` (which may call the real one). */
async function withWriteSync(fake: (real: typeof fs.writeSync) => WriteSync): Promise<typeof writeOut> {
  vi.resetModules();
  vi.doMock('node:fs', async (importOriginal) => {
    const real = await importOriginal<typeof import('node:fs')>();
    return { ...real, writeSync: fake(real.writeSync) };
  });
  return (await import('../src/write/output.js')).writeOut;
}

describe('writeOut', () => {
  afterEach(() => {
    vi.doUnmock('node:fs');
    vi.resetModules();
    vi.restoreAllMocks();
  });

  it('writes every byte of the text, multi-byte characters included, and says so', () => {
    const file = tempFile();
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

  it('writes nothing for an empty text, and says it is written', async () => {
    const calls: number[] = [];
    const out = await withWriteSync(() => (_fd, _buf, _offset, length) => {
      calls.push(length);
      return length;
    });
    expect(out(1, '')).toBe('written');
    expect(calls).toEqual([]);
  });

  it('goes on after short writes (a pipe takes what fits) until every byte is out, in order', async () => {
    // the kernel's write(2) on a blocking pipe may take fewer bytes than asked: here at most 7 a call, each one a real
    // write to a file (which refuses a range past the end of the buffer, as write(2) would read past it)
    const file = tempFile();
    const fd = openSync(file, 'w');
    const out = await withWriteSync((real) => (f, buf, offset, length) => real(f, buf, offset, Math.min(7, length)));
    const text = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- name: ü日本🙂\n';
    try {
      expect(out(fd as 1, text)).toBe('written');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  for (const [fd, stream] of [
    [1, 'stdout'],
    [2, 'stderr'],
  ] as const) {
    it(`hands what a non-blocking ${stream} refuses (EAGAIN) to process.${stream}, in order`, async () => {
      const written: Buffer[] = [];
      const out = await withWriteSync(() => (_fd, buf, offset, length) => {
        // takes 5 bytes, then the pipe is "full"
        if (written.length > 0) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
        written.push(Buffer.from(buf.subarray(offset, offset + Math.min(5, length))));
        return Math.min(5, length);
      });
      const streamed = vi.spyOn(process[stream], 'write').mockImplementation(() => true);
      const other = vi.spyOn(process[stream === 'stdout' ? 'stderr' : 'stdout'], 'write');
      expect(out(fd, 'apiVersion: v1\n')).toBe('streamed');
      const [toStream, toOther] = [streamed, other].map((spy) => spy.mock.calls.map((c) => String(c[0])));
      vi.restoreAllMocks();
      expect(written.map(String)).toEqual(['apiVe']);
      expect(toStream).toEqual(['rsion: v1\n']);
      expect(toOther!.filter((t) => t.includes('rsion'))).toEqual([]);
    });
  }

  it('says when the reader went away (EPIPE) instead of pretending it was written', async () => {
    const out = await withWriteSync(() => () => {
      throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
    });
    const streamed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(out(1, 'x')).toBe('closed');
    const calls = streamed.mock.calls.length;
    vi.restoreAllMocks();
    expect(calls).toBe(0);
  });

  it('lets any other write error through (a bad descriptor is not hidden by the stream)', async () => {
    const out = await withWriteSync(() => () => {
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });
    const streamed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(() => out(1, 'x')).toThrow('EIO');
    const calls = streamed.mock.calls.length;
    vi.restoreAllMocks();
    expect(calls).toBe(0);
  });
});
