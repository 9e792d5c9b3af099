// Input bytes → text: bounded in size while reading (an endless or huge stdin never fills memory) and strictly UTF-8
// (the KRM functions spec requires it; a lenient decode would silently turn bad bytes into U+FFFD in the output).

import { InputError } from './safe-yaml.js';
import { tooLargeMessage } from './limits.js';

/** Read a stream to its end, keeping at most maxBytes + 1 bytes: enough to tell that the input is over the limit. */
export function readBounded(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    };
    stream.on('data', (c: Buffer | string) => {
      if (done) return;
      const chunk = typeof c === 'string' ? Buffer.from(c) : c;
      const room = maxBytes + 1 - size;
      chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (size > maxBytes) {
        // stop reading: the answer is already known, and the writer gets EPIPE rather than filling our memory
        stream.pause();
        finish();
      }
    });
    stream.on('end', finish);
    stream.on('error', (err) => (done ? undefined : reject(err)));
  });
}

/** Bytes → text, refusing input over the limit and input that is not UTF-8. */
export function decodeInput(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.length > maxBytes) throw new InputError(tooLargeMessage('stdin', maxBytes));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const line = at < 0 ? undefined : lenient.slice(0, at).split('\n').length;
    throw new InputError(`stdin is not valid UTF-8${line ? ` (first bad byte on line ${line})` : ''}: KRM functions read and write UTF-8 only`);
  }
}
