import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/plan/sha256.js';

describe('sha256Hex', () => {
  it('matches node:crypto on every padding boundary, multi-byte UTF-8 and large inputs', () => {
    const inputs = ['', 'abc', 'é€😀', 'x'.repeat(100_000)];
    for (let n = 0; n < 200; n++) inputs.push('a'.repeat(n), `${'ü'.repeat(n)}\n`);
    for (const text of inputs) expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
});
