// The injection record (pd-disagg.dev/injected, src/plan/owned.ts): a re-render reads back exactly the units a render
// wrote, and takes out of the item what they locate. Every kind of unit: a whole value (its hash), an entry with the
// fields pd-disagg set, and an entry that holds nothing but its key (written `-`).
import { describe, expect, it } from 'vitest';
import { formatRecord, INJECTED_ANNOTATION, parseRecord, stripOwned, type Unit } from '../src/plan/owned.js';

const units: Unit[] = [
  { locator: [{ key: 'spec' }, { key: 'template' }, { key: 'metadata' }, { key: 'labels' }, { key: 'pd-disagg.dev/pool', entry: true }], hash: '5d41402a' },
  { locator: [{ key: 'spec' }, { key: 'containers' }, { key: 'engine', entry: true }, { key: 'env' }, { key: 'VLLM_NIXL_SIDE_CHANNEL_PORT', entry: true }], fields: { value: '0ae9be86' } },
  { locator: [{ key: 'spec' }, { key: 'containers' }, { key: 'engine', entry: true }, { key: 'ports' }, { key: '5600', entry: true }], fields: { name: '5f97b928', protocol: 'fdc3ab56' } },
  // an entry appended with its key field only (an env var with a name and no value)
  { locator: [{ key: 'spec' }, { key: 'containers' }, { key: 'engine', entry: true }, { key: 'env' }, { key: 'MARKER', entry: true }], fields: {} },
  // keys the record's own syntax uses: brackets, spaces, `%`, `=`, `,`
  { locator: [{ key: 'spec' }, { key: 'volumes' }, { key: 'a]b c%d=e,f', entry: true }], fields: { emptyDir: '7bd8031d' } },
];

describe('the injection record', () => {
  it('reads back every unit it writes', () => {
    const text = formatRecord(units);
    expect(text.split('\n')).toHaveLength(units.length);
    expect(text.split('\n')[3]).toBe('spec.containers[engine].env[MARKER] -');
    expect(parseRecord(text)).toEqual(units);
  });

  it('takes out an entry recorded with no field but its key, and the list it leaves empty', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', annotations: { [INJECTED_ANNOTATION]: 'spec.template.spec.containers[engine].env[MARKER] -' } },
      spec: { template: { spec: { containers: [{ name: 'engine', image: 'vllm', env: [{ name: 'MARKER' }] }] } } },
    };
    const strip = stripOwned(object, 'PrefillDecode');
    expect(strip.stripped).toHaveLength(1);
    expect(strip.object.spec.template.spec.containers).toEqual([{ name: 'engine', image: 'vllm' }]);
    expect(strip.object.metadata).toEqual({ name: 'd' });
  });
});

describe('the injection record, read back from hand-edited or damaged text', () => {
  it('keeps only the `field=hash` parts of a line that have a field name, and reads the rest of the line', () => {
    expect(parseRecord('spec.volumes[a] name=1,=2,junk,emptyDir=3')).toEqual([
      { locator: [{ key: 'spec' }, { key: 'volumes' }, { key: 'a', entry: true }], fields: { name: '1', emptyDir: '3' } },
    ]);
  });

  it('locates nothing at a list position past the end (`[@N]` with N the list length)', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { [INJECTED_ANNOTATION]: 'spec.args[@2] 5d41402a' } },
      spec: { args: ['a', 'b'] },
    };
    const strip = stripOwned(object, 'PrefillDecode');
    // nothing is there: nothing taken out, nothing reported as the user's
    expect(strip.stripped).toEqual([]);
    expect(strip.released).toEqual([]);
    expect(strip.deletions.filter((p) => p[0] === 'spec')).toEqual([]);
    expect(strip.object.spec.args).toEqual(['a', 'b']);
  });

  it('takes out entries of one list recorded on either side of another list\'s entry, each the one it names', () => {
    // deleted from the end of each list first, whatever the order of the record's lines
    const record = ['spec.a[p] -', 'spec.c[x] -', 'spec.a[q] -'].join('\n');
    const object = {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 't', annotations: { [INJECTED_ANNOTATION]: record } },
      spec: { a: [{ name: 'p' }, { name: 'q' }, { name: 'user' }], c: [{ name: 'x' }, { name: 'mine' }] },
    };
    const strip = stripOwned(object, 'PrefillDecode');
    expect(strip.stripped).toHaveLength(3);
    expect(strip.object.spec).toEqual({ a: [{ name: 'user' }], c: [{ name: 'mine' }] });
  });
});

describe('a recorded field at the top of the object', () => {
  it('is the user\'s once they changed it: no config field sets it, so it is released, not a conflict', () => {
    const object = (extra: string) => ({
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { name: 't', annotations: { [INJECTED_ANNOTATION]: formatRecord([{ locator: [{ key: 'extra' }], hash: '5d41402a' }]) } },
      extra,
    });
    const changed = stripOwned(object('user'), 'PrefillDecode');
    expect(changed.released.map((r) => r.path)).toEqual(['extra']);
    expect(changed.conflicts).toEqual([]);
    expect(changed.object.extra).toBe('user');
  });
});
