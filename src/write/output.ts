// The last step: the ResourceList to stdout, the human text to stderr.
//
// Written with a synchronous write(2) on the file descriptor rather than through process.stdout: the stream
// machinery behind process.stdout (net.Socket for a pipe, with its modules) costs about 2 ms to set up on every run,
// which is a tenth of the whole function on a small package (issue #7). kpt, kustomize and Argo CD hand the function
// a blocking pipe, on which write(2) simply waits for the reader. Should the descriptor be non-blocking (EAGAIN when
// the pipe is full), the rest goes through the stream after all, which node drains before it exits (process.exitCode
// is set, process.exit is never called).

import { writeSync } from 'node:fs';

/** What became of the write: 'closed' when the reader went away (EPIPE) before taking everything. */
export type WriteOutcome = 'written' | 'streamed' | 'closed';

export function writeOut(fd: 1 | 2, text: string): WriteOutcome {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    return 'written';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return 'closed';
    if (code !== 'EAGAIN') throw err;
  }
  (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(offset));
  return 'streamed';
}
