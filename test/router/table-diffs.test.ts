// The helpers that state a newer router table as "previous + changes" refuse changes that do not fit the previous
// table, so a diff written against the wrong base fails loudly.
import { describe, expect, it } from 'vitest';
import type { PluginInfo } from '../../src/router/types.js';
import {
  IGNORED,
  UNCHECKED,
  nextList,
  nextPlugins,
  params,
  pluginRecord,
  unchecked,
  withParams,
} from '../../src/router/versions/shared.js';

const base: Record<string, PluginInfo> = {
  a: { params: UNCHECKED },
  b: { params: params({ x: true }, { y: true }), deprecated: { since: 'v1' } },
  c: { params: IGNORED },
};

describe('nextPlugins', () => {
  it('removes, adds and patches without touching the previous map', () => {
    const next = nextPlugins(base, {
      remove: ['c'],
      add: unchecked(['d'], { alpha: true }),
      change: { a: { alpha: true }, b: { deprecated: undefined } },
    });
    expect(next).toStrictEqual({
      a: { params: UNCHECKED, alpha: true },
      b: { params: params({ x: true }, { y: true }) },
      d: { params: UNCHECKED, alpha: true },
    });
    expect(base.c).toBeDefined();
    expect(base.b!.deprecated).toEqual({ since: 'v1' });
  });

  it('refuses edits that do not match the previous map', () => {
    expect(() => nextPlugins(base, { remove: ['z'] })).toThrow(/removes plugin z/);
    expect(() => nextPlugins(base, { change: { z: { alpha: true } } })).toThrow(/changes plugin z/);
    expect(() => nextPlugins(base, { add: unchecked(['a']) })).toThrow(/adds plugin a/);
  });
});

describe('withParams', () => {
  it('extends accepts, and the legacy form when there is one', () => {
    expect(withParams(base.b, { z: true }).params).toStrictEqual(params({ x: true, z: true }, { y: true, z: true }));
    expect(withParams({ params: params({ x: true }) }, { z: true }).params).toStrictEqual(params({ x: true, z: true }));
    expect(() => withParams(base.a, { z: true })).toThrow(/unchecked/);
    expect(() => withParams(undefined, { z: true })).toThrow(/lacks/);
  });
});

describe('nextList', () => {
  it('keeps the order a full list would have', () => {
    const next = nextList(['p', 'q', 'r'], { remove: ['q'], before: { p: ['o'] }, after: { r: ['s'] }, append: ['t'] });
    expect(next).toEqual(['o', 'p', 'r', 's', 't']);
  });

  it('refuses edits that do not match the previous list', () => {
    expect(() => nextList(['p'], { remove: ['z'] })).toThrow(/removes z/);
    expect(() => nextList(['p'], { after: { z: ['y'] } })).toThrow(/anchor z/);
    expect(() => nextList(['p', 'q'], { remove: ['p'], before: { p: ['y'] } })).toThrow(/anchor p/);
    expect(() => nextList(['p'], { append: ['p'] })).toThrow(/adds p/);
  });
});

describe('pluginRecord', () => {
  it('lists every registered type, unchecked unless recorded, and refuses parameters for a type not registered', () => {
    expect(pluginRecord(['a', 'c'], { c: { params: IGNORED } })).toStrictEqual({ a: { params: UNCHECKED }, c: { params: IGNORED } });
    expect(() => pluginRecord(['a'], { z: { params: IGNORED } })).toThrow('router table lists parameters for unregistered plugin z');
  });
});
