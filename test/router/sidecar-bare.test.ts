// A connector flag of the routing sidecar written without a value (src/router/sidecar.ts sidecarFlagProblems): the
// flags are pflag string flags at every tag (llm-d-inference-scheduler v0.8.0 and llm-d-router v0.9.0/v0.10.0
// pkg/sidecar/proxy/options.go, fs.StringVar with no NoOptDefVal). What the real sidecar does with these argument lists
// is recorded live in testdata/conformance/sidecar/<version>.json (bare-connector-last, bare-connector-first,
// bare-ec-connector-last), and test/conformance/verdicts.test.ts holds this check to it.
import { describe, expect, it } from 'vitest';
import { buildSidecarContainer, sidecarFlagProblems } from '../../src/router/sidecar.js';
import { routerTable } from '../../src/router/table.js';
import { ROUTER_VERSIONS } from '../../src/router/types.js';

const args = (version: (typeof ROUTER_VERSIONS)[number]) => buildSidecarContainer(version, { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true }).args as string[];
const errors = (version: (typeof ROUTER_VERSIONS)[number], list: string[]) => sidecarFlagProblems(version, { name: 'routing-proxy', args: list }).filter((p) => p.severity === 'error');

describe('a connector flag without a value', () => {
  for (const version of ROUTER_VERSIONS) {
    const t = routerTable(version).sidecar;
    const kv = `--${t.connectorFlag}`;
    const ec = `--${t.ecConnectorFlag}`;
    const rest = args(version).filter((a) => !a.startsWith(`${kv}=`));

    it(`${version}: ${kv} last is an error naming the flag, its argument and the connectors to choose from`, () => {
      expect(errors(version, [...rest, kv])).toEqual([
        {
          severity: 'error',
          flag: t.connectorFlag,
          path: `args[${rest.length}]`,
          currentValue: kv,
          message:
            `routing sidecar ${version} reads ${kv} as a string flag that needs a value: with nothing after it, it exits at start ` +
            `("flag needs an argument: ${kv}"), and before another flag it takes that flag as the connector's name; write ${kv}=<one of ${t.kvConnectors.join(', ')}>`,
        },
      ]);
    });

    it(`${version}: ${kv} before another flag and ${ec} last are errors too; ${ec} names the EC connectors`, () => {
      expect(errors(version, [kv, ...rest]).map((p) => [p.flag, p.path])).toEqual([[t.connectorFlag, 'args[0]']]);
      const e = errors(version, [...args(version), ec]);
      expect(e.map((p) => [p.flag, p.path, p.currentValue])).toEqual([[t.ecConnectorFlag, `args[${args(version).length}]`, ec]]);
      expect(e[0]!.message).toContain(`write ${ec}=<one of ${t.ecConnectors.join(', ')}>`);
    });

    it(`${version}: a value as the next argument, or after =, is no bare flag; one dash is the shorthand error, not this one`, () => {
      expect(errors(version, [...rest, kv, 'nixlv2'])).toEqual([]);
      expect(errors(version, [...args(version), ec, t.ecConnectors[0]!])).toEqual([]);
      const single = errors(version, [...rest, `-${t.connectorFlag}`]);
      expect(single.map((p) => p.message)).toEqual([expect.stringMatching(/unknown shorthand flag/)]);
      expect(errors(version, [...args(version), '--no-such-flag'])).toHaveLength(1);
    });
  }

  it('the deprecated alias --connector (v0.8.0, v0.9.0) bare is an error as well', () => {
    for (const version of ['v0.8.0', 'v0.9.0'] as const) {
      const rest = args(version).filter((a) => !a.startsWith('--kv-connector='));
      expect(errors(version, [...rest, '--connector']).map((p) => [p.flag, p.currentValue])).toEqual([['connector', '--connector']]);
    }
  });
});
