// stdout and stderr are written with write(2) (src/write/output.ts); these tests hold it to the same promises the
// stream gave: every byte arrives, also when the descriptor is non-blocking and the reader is slow, and a reader that
// goes away is not taken for success. The same contract with write(2) mocked in-process (short writes, EAGAIN, EPIPE),
// where `npm run mutate` sees it: test/write-out.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { read } from './helpers.js';

const example = read('testdata/kpt-package-comments/input.yaml');

/** The example plus `n` ConfigMaps: an output far larger than a pipe's buffer (64 KiB). */
function largeInput(n: number): string {
  const extra = Array.from(
    { length: n },
    (_, i) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: filler-${i}\n  data:\n    text: "${'x'.repeat(200)}"\n`,
  ).join('');
  const out = example.replace(/\nitems:\n/, `\nitems:\n${extra}`);
  if (out === example) throw new Error('the example has no `items:` line to add to');
  return out;
}

describe('writing stdout', () => {
  it('delivers a large ResourceList whole to a slow reader on a non-blocking pipe', () => {
    const input = largeInput(1500);
    const expected = spawnSync(process.execPath, ['dist/pd-disagg.js'], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(expected.status).toBe(0);
    expect(expected.stdout.length).toBeGreaterThan(256 * 1024);

    // node's spawn always hands a child blocking stdio, so perl (in every Debian) sets O_NONBLOCK on the pipe before it
    // execs the function; the reader waits a second, the pipe fills, and write(2) returns short and then EAGAIN.
    const dir = mkdtempSync(join(tmpdir(), 'pd-disagg-output-'));
    const [inFile, outFile] = [join(dir, 'in.yaml'), join(dir, 'out.yaml')];
    writeFileSync(inFile, input);
    const nonBlocking = `my $f = fcntl(STDOUT, F_GETFL, 0); fcntl(STDOUT, F_SETFL, $f | O_NONBLOCK) or die "fcntl: $!"; exec @ARGV`;
    const r = spawnSync(
      'sh',
      ['-c', `perl -MFcntl -e '${nonBlocking}' "$0" dist/pd-disagg.js < "$1" | { sleep 1; cat > "$2"; }`, process.execPath, inFile, outFile],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe(expected.stderr);
    expect(r.status).toBe(0);
    expect(readFileSync(outFile, 'utf8')).toBe(expected.stdout);
  });

  it('exits 1 when stdout is closed before the ResourceList is written', async () => {
    const input = largeInput(1500);
    // the reader closes its end of the pipe unread and stays: the function's write fails with EPIPE
    const reader = spawn('sh', ['-c', 'exec 0<&-; echo closed; sleep 30'], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise((resolve) => reader.stdout!.once('data', resolve));
    const fn = spawn(process.execPath, ['dist/pd-disagg.js'], { stdio: ['pipe', reader.stdin!, 'pipe'] });
    fn.stdin!.end(input);
    let stderr = '';
    fn.stderr!.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => fn.on('close', resolve));
    reader.kill();
    expect(code).toBe(1);
    expect(stderr).toContain('stdout was closed before the ResourceList was written');
  });
});
