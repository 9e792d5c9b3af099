// Rules epp-decider-not-decider, epp-prefill-decider-multimodal and epp-pd-handler-extra-profile
// (src/validate/rules/epp/deciders.ts): every branch,
// with the whole finding (message with the router's words and the fix, resource, field, severity). What the real
// router does with these configs is recorded live in the conformance corpus at every tag
// (testdata/conformance/<version>/mut-decider-prefill-is-filter, mut-handler-pd-legacy-decider-is-filter,
// mut-decider-multimodal-prefill, mut-epd-encode-decider-is-filter, mut-epd-encode-decider-flat-is-scorer,
// mut-epd-prefill-decider-is-mm; mut-handler-pd-legacy-extra-profile, a kept timeout), and test/conformance/verdicts.test.ts holds the linter to those verdicts.
import { describe, expect, it } from 'vitest';
import { buildEppConfig, routerTable, type RouterVersion } from '../../src/router/index.js';
import type { KObject, Result } from '../../src/types.js';
import { lintEppConfig } from '../../src/validate/validate.js';

const resource = { apiVersion: 'v1', kind: 'ConfigMap', name: 'demo-epp', namespace: 'ml' };
const origin = { path: 'data.epp-config.yaml', resource, generated: false };

/** pd-disagg's generated config (E/P/D when `encode`), edited */
function config(version: RouterVersion, edit: (c: KObject) => void, encode = false): KObject {
  const c = structuredClone(buildEppConfig(version, { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 64, ...(encode ? { encode } : {}) })) as KObject;
  edit(c);
  return c;
}
const plugin = (c: KObject, type: string): KObject => c.plugins.find((p: KObject) => p.type === type);
const handler = (c: KObject) => plugin(c, 'disagg-profile-handler');
function lint(version: RouterVersion, c: KObject, rule: string, encode = false): Result[] {
  return lintEppConfig({ version, config: c, origin, engineBlockSize: 64, ...(encode ? { encode } : {}) }).filter((r) => r.tags?.rule === rule);
}
/** the whole result the user gets */
const result = (rule: string, message: string, currentValue: string, proposedValue: string): Result => ({
  message,
  severity: 'error',
  resourceRef: resource,
  field: { path: origin.path, currentValue, proposedValue },
  tags: { rule },
});

describe('epp-decider-not-decider: a decider slot naming a plugin that is not a decider stops the EPP', () => {
  const rule = 'epp-decider-not-decider';

  it('deciders.encode naming encode-filter: the router\'s "does not implement encodeDeciderPlugin", and the declared multimodal decider as fix', () => {
    for (const version of ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const) {
      const c = config(version, (x) => (handler(x).parameters.deciders.encode = 'encode-filter'), true);
      expect(lint(version, c, rule, true)).toEqual([
        result(rule, `plugin disagg-profile-handler deciders.encode names "encode-filter", which is not a decider: the handler fails to build and router ${version}'s EPP does not start ("plugin encode-filter does not implement encodeDeciderPlugin"); set deciders.encode: always-disagg-multimodal-decider`, 'encode-filter', 'always-disagg-multimodal-decider'),
      ]);
    }
  });

  it('deciders.prefill naming a named filter: the plugin is named with its type, and the prefill words of the router', () => {
    const c = config('v0.10.0', (x) => {
      plugin(x, 'prefill-filter').name = 'pf';
      for (const p of x.schedulingProfiles) for (const r of p.plugins) if (r.pluginRef === 'prefill-filter') r.pluginRef = 'pf';
      handler(x).parameters.deciders.prefill = 'pf';
    });
    expect(lint('v0.10.0', c, rule)).toEqual([
      result(rule, `plugin disagg-profile-handler deciders.prefill names "pf" (type prefill-filter), which is not a decider: the handler fails to build and router v0.10.0's EPP does not start ("plugin pf does not implement prefillDeciderPlugin"); set deciders.prefill: prefix-based-pd-decider`, 'pf', 'prefix-based-pd-decider'),
    ]);
  });

  it('pd-profile-handler: its own error text, and no P/D decider declared: the fix declares one (above the handler where order matters)', () => {
    const edit = (x: KObject) => {
      x.plugins = x.plugins.filter((p: KObject) => p.type !== 'prefix-based-pd-decider');
      Object.assign(handler(x), { type: 'pd-profile-handler', parameters: { deciderPluginName: 'queue-scorer' } });
    };
    expect(lint('v0.9.0', config('v0.9.0', edit), rule)).toEqual([
      result(rule, `plugin pd-profile-handler deciderPluginName names "queue-scorer", which is not a decider: the handler fails to build and router v0.9.0's EPP does not start ("decider plugin of type: queue-scorer does not implement pdDeciderPlugin"); declare - type: prefix-based-pd-decider above the handler and set deciderPluginName: prefix-based-pd-decider`, 'queue-scorer', 'prefix-based-pd-decider'),
    ]);
    // v0.10.0 builds plugins in dependency order: no "above the handler"
    expect(lint('v0.10.0', config('v0.10.0', edit), rule)[0]!.message).toContain('; declare - type: prefix-based-pd-decider and set deciderPluginName: prefix-based-pd-decider');
  });

  it('both slots wrong, in the flat form: one finding each, prefill first, each naming the parameter used; the fix names the declared deciders by their names', () => {
    const c = config('v0.8.0', (x) => {
      plugin(x, 'always-disagg-multimodal-decider').name = 'mm';
      plugin(x, 'prefix-based-pd-decider').name = 'pd';
      handler(x).parameters = { prefillDeciderPluginName: 'decode-filter', encodeDeciderPluginName: 'max-score-picker' };
    }, true);
    expect(lint('v0.8.0', c, rule, true)).toEqual([
      result(rule, `plugin disagg-profile-handler prefillDeciderPluginName names "decode-filter", which is not a decider: the handler fails to build and router v0.8.0's EPP does not start ("plugin decode-filter does not implement prefillDeciderPlugin"); set prefillDeciderPluginName: pd`, 'decode-filter', 'pd'),
      result(rule, `plugin disagg-profile-handler encodeDeciderPluginName names "max-score-picker", which is not a decider: the handler fails to build and router v0.8.0's EPP does not start ("plugin max-score-picker does not implement encodeDeciderPlugin"); set encodeDeciderPluginName: mm`, 'max-score-picker', 'mm'),
    ]);
  });

  it('no multimodal decider declared: the encode fix declares one, above the handler on v0.8.0', () => {
    const c = config('v0.8.0', (x) => {
      x.plugins = x.plugins.filter((p: KObject) => p.type !== 'always-disagg-multimodal-decider');
      handler(x).parameters.deciders.encode = 'encode-filter';
    }, true);
    expect(lint('v0.8.0', c, rule, true).map((r) => r.message)).toEqual([
      `plugin disagg-profile-handler deciders.encode names "encode-filter", which is not a decider: the handler fails to build and router v0.8.0's EPP does not start ("plugin encode-filter does not implement encodeDeciderPlugin"); declare - type: always-disagg-multimodal-decider above the handler and set deciders.encode: always-disagg-multimodal-decider`,
    ]);
  });

  it('stays silent on every decider type, in either slot (a P/D decider in deciders.encode is epp-encode-decider-type\'s)', () => {
    for (const version of ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const) {
      expect(Object.keys(routerTable(version).disagg.deciders).sort()).toEqual(['always-disagg-multimodal-decider', 'always-disagg-pd-decider', 'prefix-based-pd-decider']);
      expect(lint(version, config(version, () => {}, true), rule, true)).toEqual([]);
      const swapped = config(version, (x) => (handler(x).parameters.deciders = { prefill: 'always-disagg-multimodal-decider', encode: 'prefix-based-pd-decider' }), true);
      expect(lint(version, swapped, rule, true)).toEqual([]);
    }
  });

  it('leaves an undeclared name to epp-missing-plugin-ref, an unregistered type to epp-unknown-plugin, and a config without a handler alone', () => {
    const undeclared = config('v0.10.0', (x) => (handler(x).parameters.deciders.prefill = 'nope'));
    expect(lint('v0.10.0', undeclared, rule)).toEqual([]);
    expect(lint('v0.10.0', undeclared, 'epp-missing-plugin-ref')).toHaveLength(1);
    const unregistered = config('v0.10.0', (x) => {
      x.plugins.push({ type: 'no-such-decider', name: 'nsd' });
      handler(x).parameters.deciders.prefill = 'nsd';
    });
    expect(lint('v0.10.0', unregistered, rule)).toEqual([]);
    expect(lint('v0.10.0', unregistered, 'epp-unknown-plugin')).toHaveLength(1);
    const noHandler = config('v0.10.0', (x) => (x.plugins = x.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler')));
    expect(lint('v0.10.0', noHandler, rule)).toEqual([]);
    // no decider named at all: nothing to judge (epp-no-prefill-decider speaks)
    expect(lint('v0.10.0', config('v0.10.0', (x) => (handler(x).parameters.deciders = {})), rule)).toEqual([]);
  });
});

describe('epp-prefill-decider-multimodal: the multimodal decider as prefill decider keeps every text request off prefill', () => {
  const rule = 'epp-prefill-decider-multimodal';
  const says = (version: RouterVersion, field: string, named: string, fix: string) =>
    `plugin disagg-profile-handler ${field} names ${named}, the multimodal decider, which says yes only when the request carries an image, video or audio part: router ${version} loads it, but a text-only request never takes the prefill hop however long its prompt (it is prefilled on the decode pod) and the prefill pods serve multimodal requests only; ${fix} (always-disagg-multimodal-decider belongs in deciders.encode)`;

  it('E/P/D, the prefix decider still declared: the fix names it', () => {
    for (const version of ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const) {
      const c = config(version, (x) => (handler(x).parameters.deciders.prefill = 'always-disagg-multimodal-decider'), true);
      expect(lint(version, c, rule, true)).toEqual([
        result(rule, says(version, 'deciders.prefill', '"always-disagg-multimodal-decider"', 'set deciders.prefill: prefix-based-pd-decider'), 'always-disagg-multimodal-decider', 'prefix-based-pd-decider'),
      ]);
    }
  });

  it('P/D with no P/D decider declared: the fix declares one (above the handler where order matters); a named decider is shown with its type', () => {
    const edit = (x: KObject) => {
      const h = handler(x);
      x.plugins = x.plugins.filter((p: KObject) => p.type !== 'prefix-based-pd-decider');
      x.plugins.splice(x.plugins.indexOf(h), 0, { type: 'always-disagg-multimodal-decider', name: 'mm' });
      h.parameters.deciders.prefill = 'mm';
    };
    expect(lint('v0.9.0', config('v0.9.0', edit), rule)).toEqual([
      result(rule, says('v0.9.0', 'deciders.prefill', '"mm" (type always-disagg-multimodal-decider)', 'declare - type: prefix-based-pd-decider above the handler (with nonCachedTokens) and set deciders.prefill: prefix-based-pd-decider'), 'mm', 'prefix-based-pd-decider'),
    ]);
    expect(lint('v0.10.0', config('v0.10.0', edit), rule)[0]!.message).toContain('; declare - type: prefix-based-pd-decider (with nonCachedTokens) and set deciders.prefill');
  });

  it('names the parameter the handler reads: pd-profile-handler deciderPluginName, the flat prefillDeciderPluginName; an always-disagg-pd-decider is proposed by its name', () => {
    const pd = config('v0.10.0', (x) => {
      x.plugins.unshift({ type: 'always-disagg-multimodal-decider' }, { type: 'always-disagg-pd-decider', name: 'always' });
      x.plugins = x.plugins.filter((p: KObject) => p.type !== 'prefix-based-pd-decider');
      Object.assign(handler(x), { type: 'pd-profile-handler', parameters: { deciderPluginName: 'always-disagg-multimodal-decider' } });
    });
    expect(lint('v0.10.0', pd, rule)).toEqual([result(rule, says('v0.10.0', 'deciderPluginName', '"always-disagg-multimodal-decider"', 'set deciderPluginName: always').replace('plugin disagg-profile-handler', 'plugin pd-profile-handler'), 'always-disagg-multimodal-decider', 'always')]);
    const flat = config('v0.9.0', (x) => (handler(x).parameters = { prefillDeciderPluginName: 'always-disagg-multimodal-decider', encodeDeciderPluginName: 'always-disagg-multimodal-decider' }), true);
    expect(lint('v0.9.0', flat, rule, true).map((r) => r.message)).toEqual([says('v0.9.0', 'prefillDeciderPluginName', '"always-disagg-multimodal-decider"', 'set prefillDeciderPluginName: prefix-based-pd-decider')]);
  });

  it('stays silent: P/D deciders, an undeclared name, no handler, and stageOrder prefill-first (which the EPP refuses with any decider: epp-stage-order)', () => {
    expect(lint('v0.10.0', config('v0.10.0', () => {}, true), rule, true)).toEqual([]);
    const always = config('v0.8.0', (x) => {
      x.plugins.unshift({ type: 'always-disagg-pd-decider' });
      handler(x).parameters.deciders.prefill = 'always-disagg-pd-decider';
    });
    expect(lint('v0.8.0', always, rule)).toEqual([]);
    expect(lint('v0.10.0', config('v0.10.0', (x) => (handler(x).parameters.deciders.prefill = 'mm')), rule)).toEqual([]);
    // a plugin that is no decider at all is epp-decider-not-decider's
    const filter = config('v0.10.0', (x) => (handler(x).parameters.deciders.prefill = 'queue-scorer'));
    expect(lint('v0.10.0', filter, rule)).toEqual([]);
    expect(lint('v0.10.0', filter, 'epp-decider-not-decider')).toHaveLength(1);
    expect(lint('v0.10.0', config('v0.10.0', (x) => (x.plugins = x.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler'))), rule)).toEqual([]);
    const prefillFirst = config('v0.10.0', (x) => Object.assign(handler(x).parameters, { stageOrder: 'prefill-first', deciders: { prefill: 'always-disagg-multimodal-decider', encode: 'always-disagg-multimodal-decider' } }), true);
    expect(lint('v0.10.0', prefillFirst, rule, true)).toEqual([]);
    expect(lint('v0.10.0', prefillFirst, 'epp-stage-order', true)).toHaveLength(1);
    // decode-first, written out, is the default order: the rule speaks
    const decodeFirst = config('v0.10.0', (x) => Object.assign(handler(x).parameters, { stageOrder: 'decode-first', deciders: { prefill: 'always-disagg-multimodal-decider', encode: 'always-disagg-multimodal-decider' } }), true);
    expect(lint('v0.10.0', decodeFirst, rule, true)).toHaveLength(1);
  });
});

describe('epp-pd-handler-extra-profile: pd-profile-handler loops on a request its decider approves when another profile exists', () => {
  const rule = 'epp-pd-handler-extra-profile';
  const legacy = (x: KObject, parameters: KObject = { deciderPluginName: 'prefix-based-pd-decider' }) => Object.assign(handler(x), { type: 'pd-profile-handler', parameters });
  const copyOf = (x: KObject, from: string, name: string) => x.schedulingProfiles.push({ ...structuredClone(x.schedulingProfiles.find((p: KObject) => p.name === from)), name });

  it('names every extra profile, the loop and the fix; the current value is the first extra profile', () => {
    for (const version of ['v0.8.0', 'v0.9.0', 'v0.10.0'] as const) {
      const c = config(version, (x) => {
        legacy(x);
        copyOf(x, 'decode', 'spare');
        copyOf(x, 'prefill', 'spare-2');
      });
      expect(lint(version, c, rule)).toEqual([
        {
          message: `plugin pd-profile-handler runs only its profiles "prefill" and "decode", but schedulingProfiles also defines "spare", "spare-2": its Pick ends a request's scheduling only when every profile has a result, so each request its decider sends to prefill gets the prefill profile again and again and router ${version}'s EPP never answers it. Remove "spare", "spare-2" from schedulingProfiles, or use disagg-profile-handler`,
          severity: 'error',
          resourceRef: resource,
          field: { path: origin.path, currentValue: 'spare' },
          tags: { rule },
        },
      ]);
    }
  });

  it("reads the handler's own profile names: renamed prefill and decode profiles are not extra, the default names then are", () => {
    const renamed = config('v0.10.0', (x) => {
      legacy(x, { deciderPluginName: 'prefix-based-pd-decider', prefillProfile: 'pf', decodeProfile: 'dc' });
      for (const p of x.schedulingProfiles) p.name = p.name === 'prefill' ? 'pf' : 'dc';
    });
    expect(lint('v0.10.0', renamed, rule)).toEqual([]);
    const told = config('v0.10.0', (x) => legacy(x, { deciderPluginName: 'prefix-based-pd-decider', prefillProfile: 'pf' }));
    expect(lint('v0.10.0', told, rule).map((r) => r.field?.currentValue)).toEqual(['prefill']);
  });

  it('stays silent for pd-profile-handler with its two profiles, for disagg-profile-handler with an encode profile, and without a handler', () => {
    expect(lint('v0.9.0', config('v0.9.0', (x) => legacy(x)), rule)).toEqual([]);
    expect(lint('v0.9.0', config('v0.9.0', () => {}, true), rule, true)).toEqual([]);
    expect(lint('v0.9.0', config('v0.9.0', (x) => (x.plugins = x.plugins.filter((p: KObject) => p.type !== 'disagg-profile-handler'))), rule)).toEqual([]);
  });
});
