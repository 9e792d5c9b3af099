// scripts/conformance-compare.mjs bundles test/conformance/verdicts.ts and calls its exports by name (`j.name(…)`),
// which neither tsc nor the dead-code check sees: a removed export broke `npm run conformance` only in a live run
// (sidecarListenFlag, deleted as unused). Every function the script calls must be exported here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as verdicts from './verdicts.js';

describe('the conformance scripts call only what verdicts.ts exports', () => {
  it('every j.<name>( in scripts/conformance-compare.mjs is an exported function', () => {
    const script = readFileSync('scripts/conformance-compare.mjs', 'utf8');
    const called = [...new Set([...script.matchAll(/\bj\.(\w+)\(/g)].map((m) => m[1]!))];
    expect(called).toContain('sidecarListenFlag');
    const api = verdicts as Record<string, unknown>;
    expect(called.filter((name) => typeof api[name] !== 'function')).toEqual([]);
    expect(verdicts.sidecarListenFlag('v0.10.0')).toEqual({ flag: expect.any(String), port: expect.any(Number) });
  });
});
