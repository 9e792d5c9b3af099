// Golden cases: testdata/<case>/input.yaml → expected.yaml (stdout) and expected.stderr (stderr).
// Cases named error-* must fail with exit 1 and leave the items untouched; the others must pass and be idempotent.
// UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts rewrites the expectations (review the diff!).
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { read, runText } from './helpers.js';

const root = 'testdata';
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, 'input.yaml')));
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden cases', () => {
  it('has the cases the issues ask for', () => {
    for (const required of ['modelplane-demo', 'labels-autodetect', 'configmap-config', 'kpt-package-comments']) {
      expect(cases).toContain(required);
    }
  });

  for (const name of cases) {
    it(name, () => {
      const dir = join(root, name);
      const input = read(join(dir, 'input.yaml'));
      const out = runText(input);
      if (update) {
        writeFileSync(join(dir, 'expected.yaml'), out.stdout);
        writeFileSync(join(dir, 'expected.stderr'), out.stderr);
      }
      expect(out.exitCode).toBe(name.startsWith('error-') ? 1 : 0);
      expect(out.stdout).toBe(read(join(dir, 'expected.yaml')));
      expect(out.stderr).toBe(read(join(dir, 'expected.stderr')));
      const inputItems = parse(input).items;
      if (name.startsWith('error-')) {
        // on failure the items go back untouched, with at least one error result naming a resource
        expect(out.items).toEqual(inputItems);
        expect(out.results.some((r) => r.severity === 'error')).toBe(true);
        return;
      }
      // idempotent: the output fed back in changes no item
      const again = runText(out.stdout);
      expect(again.exitCode).toBe(0);
      expect(again.items).toEqual(out.items);
      const withoutResults = (text: string) => text.replace(/^results:\n[\s\S]*$/m, '');
      expect(withoutResults(again.stdout)).toBe(withoutResults(out.stdout));
    });
  }
});
