// scripts/conformance.mjs runHarness: a config the router blocks on becomes a "timeout" verdict instead of hanging
// the run, the configs after it are still judged, and progress is reported per config. The harness binary is
// replaced here by a small node program speaking the same JSON-lines protocol (test/conformance/main.go.in), so this
// holds without Go: it tests the driver, not the router.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { runHarness, verdictOf } from '../../scripts/conformance.mjs';
import { confusion, formatConfusion, timedOut, type Verdict } from './verdicts.js';

const dir = mkdtempSync(join(tmpdir(), 'pdconf-fake-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// hang-*: never answers (a blocked start-up); panic-*: dies as a Go panic in a router goroutine does; req-*: answers with a prompt the harness cancelled; others: a verdict.
// Each answer also says which process answered and what PDCONF_REQUEST_TIMEOUT it was given.
const fake = join(dir, 'pdconf');
writeFileSync(
  fake,
  `#!/usr/bin/env node
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const { id } = JSON.parse(line);
  if (id.startsWith('hang-')) return;
  if (id.startsWith('panic-')) {
    process.stderr.write('panic: runtime error: slice bounds out of range [:-256]\\n\\ngoroutine 7 [running]:\\nexample.com/router/pkg/prefix.hashPrompt({0x1, 0x2}, 0x40)\\n\\t/tmp/x/hashing.go:64 +0x877\\n');
    process.exit(2);
  }
  const p = { prefill: true, decode: true, header: '10.0.0.1:8000' };
  const prompts = id.startsWith('req-') ? { long: { ...p, timeout: true, error: 'context deadline exceeded' }, hi: p } : { long: p, hi: p };
  process.stdout.write(JSON.stringify({ id, loaded: true, stage: 'ready', prompts, pid: process.pid, env: process.env.PDCONF_REQUEST_TIMEOUT }) + '\\n');
});
`,
);
chmodSync(fake, 0o755);

describe('runHarness', () => {
  it('turns a config that blocks into a timeout verdict and one that panics into a crash verdict, and judges the rest in a fresh process', async () => {
    const progress: { done: number; id?: string; timeout?: boolean; end?: boolean }[] = [];
    const cases = ['a-ok', 'hang-b', 'c-ok', 'req-d', 'panic-e', 'f-ok'].map((id) => ({ id, text: 'x' }));
    // 6 s, not less: the timer also covers starting a fresh node process, which takes over a second on a loaded machine
    const live = await runHarness(fake, cases, { configTimeout: 6, requestTimeout: 7, onProgress: (p: (typeof progress)[0]) => progress.push(p) });

    expect(Object.keys(live).sort()).toEqual(['a-ok', 'c-ok', 'f-ok', 'hang-b', 'panic-e', 'req-d']);
    // the router's panic is the verdict, stable across runs (no addresses, paths), and the run goes on
    expect(live['panic-e']).toMatchObject({ loaded: false, stage: 'crash', error: 'panic: runtime error: slice bounds out of range [:-256] (in prefix.hashPrompt)' });
    expect(live['f-ok'].stage).toBe('ready');
    expect(live['hang-b']).toMatchObject({ loaded: false, stage: 'timeout', timeout: true });
    expect(live['a-ok'].stage).toBe('ready');
    // the process that hung was replaced
    expect(live['c-ok'].pid).not.toBe(live['a-ok'].pid);
    expect(live['a-ok'].env).toBe('7s');

    const verdicts: Record<string, Verdict> = Object.fromEntries(Object.entries(live).map(([id, r]) => [id, verdictOf(r) as Verdict]));
    expect(verdicts['req-d'].long).toMatchObject({ timeout: true });
    expect(timedOut(verdicts['hang-b'])).toBe(true);
    expect(timedOut(verdicts['req-d'])).toBe(true);
    expect(timedOut(verdicts['a-ok'])).toBe(false);

    // every config reported, in order, the hung one as a timeout, and an end report
    expect(progress.filter((p) => !p.end).map((p) => [p.done, p.id, !!p.timeout])).toEqual([
      [1, 'a-ok', false],
      [2, 'hang-b', true],
      [3, 'c-ok', false],
      [4, 'req-d', true],
      [5, 'panic-e', false],
      [6, 'f-ok', false],
    ]);
    expect(progress.at(-1)).toMatchObject({ done: 6, end: true });
  });

  it('counts a timeout as neither agreement nor disagreement', () => {
    const ok = { prefill: true, decode: true, header: true, headerToPrefill: true };
    const verdicts: Record<string, Verdict> = {
      accepted: { loaded: true, stage: 'ready', long: ok, hi: ok },
      held: { loaded: true, stage: 'ready', long: { ...ok, prefill: false, timeout: true }, hi: ok },
      hung: { loaded: false, stage: 'timeout', error: 'harness: no verdict' },
    };
    const text = () => 'apiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\n';
    const c = confusion('v0.9.0', verdicts, text);
    expect(c.timeout).toEqual(['held', 'hung']);
    expect([...c.agreeAccept, ...c.agreeRefuse, ...c.missed, ...c.falseAlarm]).not.toContain('held');
    expect([...c.agreeAccept, ...c.agreeRefuse, ...c.missed, ...c.falseAlarm]).not.toContain('hung');
    expect(formatConfusion('v0.9.0', c)).toMatch(/harness timeout \(no verdict from the router, not agreement\): 2/);
  });
});
