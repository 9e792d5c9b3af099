import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('output style', () => {
  it('writes no YAML anchors or aliases, even where generated objects share values', () => {
    for (const dir of readdirSync('testdata')) {
      let text: string;
      try {
        text = readFileSync(`testdata/${dir}/expected.yaml`, 'utf8');
      } catch {
        continue;
      }
      expect(text, dir).not.toMatch(/(^|[\s:-])[&*][A-Za-z]\w*\s*$/m);
    }
  });
});
