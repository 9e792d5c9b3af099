#!/usr/bin/env node
// Writes the EPP-config corpus of testdata/conformance/<version>/ (run by hand; the files are committed and judged
// by the real router through npm run conformance, whose verdicts are recorded next to them):
//   gen-*   configs pd-disagg generates (a matrix of knobs), with the knobs and the expected routing in the header;
//   golden-* the EPP configs inside the pipeline goldens (testdata/*/expected.yaml);
//   up-*    the upstream sample/e2e/perf configs at each tag (header: repo, tag, path), read from a local checkout
//           given as --upstream <version>=DIR (e.g. git archive of the tag);
//   mut-*   systematic mutations of the generated config.
// Usage: node scripts/conformance-corpus.mjs --upstream v0.8.0=DIR --upstream v0.9.0=DIR --upstream v0.10.0=DIR
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'testdata/conformance');
const UPSTREAM_REPO = { 'v0.8.0': 'llm-d/llm-d-inference-scheduler', 'v0.9.0': 'llm-d/llm-d-router', 'v0.10.0': 'llm-d/llm-d-router' };

const upstream = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--upstream') {
    const [v, d] = argv[++i].split('=');
    upstream[v] = resolve(d);
  } else throw new Error(`unknown argument ${argv[i]}`);
}

const out = join(ROOT, '.tmp/conformance/router.bundle.mjs');
mkdirSync(dirname(out), { recursive: true });
await build({
  stdin: { contents: "export * from './src/router/index.ts';\nexport { eppConfigYaml } from './src/plan/epp-text.ts';\n", resolveDir: ROOT, loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: out,
  logLevel: 'error',
  packages: 'external',
});
const router = await import(pathToFileURL(out).href);
const { ROUTER_VERSIONS, buildEppConfig, eppConfigYaml, routerTable } = router;

const files = {}; // version -> id -> text
function add(version, id, text) {
  files[version] ??= {};
  if (files[version][id]) throw new Error(`duplicate case ${version}/${id}`);
  files[version][id] = text.endsWith('\n') ? text : text + '\n';
}
const header = (lines) => lines.map((l) => `# ${l}`).join('\n') + '\n';
const yamlOf = (obj) => stringify(obj, { lineWidth: 0 });

// ---------------------------------------------------------------------------------------------------------------
// 1. generated configs: a knob matrix per version
for (const version of ROUTER_VERSIONS) {
  const table = routerTable(version);
  const knobSets = [];
  for (const decider of ['prefix-based', 'always']) {
    for (const blockSizeTokens of [16, 32, 64, 128]) {
      for (const nonCachedTokens of decider === 'prefix-based' ? [16, 32, 128, 512] : [16]) {
        knobSets.push({ decider, nonCachedTokens, blockSizeTokens });
      }
    }
    knobSets.push({ decider, nonCachedTokens: 64, blockSizeTokens: 64, scorerWeights: { prefixCache: 1, queue: 1 } });
    knobSets.push({ decider, nonCachedTokens: 64, blockSizeTokens: 64, scorerWeights: { prefixCache: 3, queue: 2 } });
    // SGLang engines page at 1 token unless told otherwise; pd-disagg pins what the engines use
    knobSets.push({ decider, nonCachedTokens: 32, blockSizeTokens: 1 });
    knobSets.push({ decider, nonCachedTokens: 32, blockSizeTokens: 64, promptTokens: 32 });
    knobSets.push({ decider, nonCachedTokens: 32, blockSizeTokens: 64, promptTokens: 128 });
  }
  for (const knobs of knobSets) {
    const id = [
      'gen',
      knobs.decider === 'always' ? 'always' : 'prefix',
      `b${knobs.blockSizeTokens}`,
      knobs.decider === 'prefix-based' ? `n${knobs.nonCachedTokens}` : '',
      knobs.promptTokens ? `p${knobs.promptTokens}` : '',
      knobs.scorerWeights ? `w${knobs.scorerWeights.prefixCache}-${knobs.scorerWeights.queue}` : '',
    ]
      .filter(Boolean)
      .join('-');
    if (files[version]?.[id]) continue;
    const expect = knobs.decider === 'always' ? 'both' : 'long-only';
    add(version, id, header([`pdconf-knobs: ${JSON.stringify(knobs)}`, `pdconf-expect: disaggregates ${expect}`]) + eppConfigYaml(version, knobs));
  }
  // 1a. E/P/D: the encode profile, encode-filter and the multimodal decider (the knobs of the E/P/D guide goldens,
  // testdata/epd-guide: prefix decider, nonCachedTokens 16, block 16), at every version; the harness adds an encode
  // pod and an image request for them (scripts/conformance-pool.mjs)
  for (const decider of ['prefix-based', 'always']) {
    const knobs = { decider, nonCachedTokens: 16, blockSizeTokens: 16, encode: true };
    const id = `epd-${decider === 'always' ? 'always' : 'prefix-n16'}-b16`;
    const expect = decider === 'always' ? 'both' : 'long-only';
    add(version, id, header([`pdconf-knobs: ${JSON.stringify(knobs)}`, `pdconf-expect: disaggregates ${expect}`]) + eppConfigYaml(version, knobs));
  }
  // 1b. a DisaggregatedSet pair (and trio), where the version has the rollout screener (alpha: pd-disagg then runs the
  // EPP with --allow-experimental-plugins, and so does the harness for a case with that header line); each is also
  // judged on two-revision pools (# pdconf: rollout)
  if (Object.hasOwn(table.plugins, 'disaggregatedset-rollout-screener')) {
    const sets = [
      ['dset-prefix-n32-b64', { decider: 'prefix-based', nonCachedTokens: 32, blockSizeTokens: 64, rollout: { scope: { app: 'pdconf-pool' }, requireRoles: ['prefill', 'decode'] } }],
      ['dset-always-b64', { decider: 'always', nonCachedTokens: 32, blockSizeTokens: 64, rollout: { scope: { app: 'pdconf-pool' }, requireRoles: ['prefill', 'decode'] } }],
      // role names are the user's: the roles of test/dset/epd
      ['dset-epd-prefix-n16-b16', { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 16, encode: true, rollout: { scope: { app: 'pdconf-pool' }, requireRoles: ['vision', 'ctx', 'gen'] } }],
    ];
    for (const [id, knobs] of sets) {
      const expect = knobs.decider === 'always' ? 'both' : 'long-only';
      add(version, id, header(['pdconf: allow-experimental-plugins', 'pdconf: rollout', `pdconf-knobs: ${JSON.stringify(knobs)}`, `pdconf-expect: disaggregates ${expect}`]) + eppConfigYaml(version, knobs));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. the EPP configs in the pipeline goldens (testdata/<dir>: golden-<dir>) and the DisaggregatedSet goldens
// (test/dset/<dir>: golden-dset-<dir>). A golden whose EPP pd-disagg starts with --allow-experimental-plugins is judged
// with it; one whose pair is a DisaggregatedSet is also judged on two-revision pools (# pdconf: rollout).
const goldenDirs = [
  ...readdirSync(join(ROOT, 'testdata')).map((dir) => ({ rel: `testdata/${dir}`, id: `golden-${dir}` })),
  ...readdirSync(join(ROOT, 'test/dset')).map((dir) => ({ rel: `test/dset/${dir}`, id: `golden-dset-${dir}` })),
];
for (const { rel, id } of goldenDirs) {
  const f = join(ROOT, rel, 'expected.yaml');
  if (!existsSync(f)) continue;
  const whole = readFileSync(f, 'utf8');
  const flags = [
    ...(/--allow-experimental-plugins\b/.test(whole) ? ['pdconf: allow-experimental-plugins'] : []),
    ...(/pd-disagg\.dev\/pair: DisaggregatedSet\//.test(whole) ? ['pdconf: rollout'] : []),
  ];
  for (const doc of parseAllDocuments(whole)) {
    const walk = (o) => {
      if (!o || typeof o !== 'object') return;
      if (o.kind === 'ConfigMap' && o.data) {
        for (const [key, text] of Object.entries(o.data)) {
          const m = /Same shape as llm-d-router (v[\d.]+) /.exec(String(text));
          if (!m || !/kind: EndpointPickerConfig/.test(String(text))) continue;
          add(m[1], id, header([`source: pd-disagg ${rel}/expected.yaml, ConfigMap ${o.metadata?.name} data.${key}`, ...flags, 'pdconf-expect: generated']) + text);
        }
      }
      for (const v of Object.values(o)) walk(v);
    };
    walk(doc.toJS());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3. upstream sample, e2e and perf configs at each tag (judged at their own tag, P/D samples at every tag)
const upstreamPd = [];
for (const [version, dir] of Object.entries(upstream)) {
  const roots = ['deploy/config', 'test/integration/epp/testdata', 'test/testdata', 'test/perf/config/router-configs', 'test/e2e'];
  for (const r of roots) {
    const base = join(dir, r);
    if (!existsSync(base)) continue;
    const list = [];
    const walk = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) list.push(p);
      }
    };
    walk(base);
    for (const file of list.sort()) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('EndpointPickerConfig')) continue;
      const rel = relative(dir, file);
      const configs = [];
      let docs;
      try {
        docs = parseAllDocuments(text);
      } catch {
        continue;
      }
      docs.forEach((doc, di) => {
        if (doc.errors.length) return;
        const o = doc.toJS();
        if (o?.kind === 'EndpointPickerConfig') configs.push({ where: docs.length > 1 ? `document ${di}` : '', text: doc.toString() });
        else if (o?.kind === 'ConfigMap' && o.data) {
          for (const [k, v] of Object.entries(o.data)) if (/kind:\s*EndpointPickerConfig/.test(String(v))) configs.push({ where: `ConfigMap ${o.metadata?.name} data.${k}`, text: String(v) });
        }
      });
      configs.forEach((c, i) => {
        if (/\{\{|\$\{/.test(c.text)) return; // templated, not a config as such
        const id = `up-${rel.replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9]+/g, '-')}${configs.length > 1 ? `-${i}` : ''}`;
        const src = `source: ${UPSTREAM_REPO[version]} ${version} ${rel}${c.where ? ` (${c.where})` : ''}`;
        add(version, id, header([src]) + c.text);
        if (/pd-epp-config|sim-pd-epp-config/.test(rel)) upstreamPd.push({ version, id, src, text: c.text });
      });
    }
  }
}
for (const u of upstreamPd) {
  for (const version of ROUTER_VERSIONS) {
    if (version === u.version || !files[version]) continue;
    add(version, `x${u.version.replace(/\./g, '')}-${u.id}`, header([u.src, `judged at ${version} (a sample of another tag)`]) + u.text);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 4. systematic mutations of the generated config (prefix decider, block 64, nonCachedTokens 32)
const ALPHA_SAMPLE = ['topology-affinity-filter', 'session-affinity-scorer', 'header-profile-handler'];
for (const version of ROUTER_VERSIONS) {
  const table = routerTable(version);
  const base = () => structuredClone(buildEppConfig(version, { decider: 'prefix-based', nonCachedTokens: 32, blockSizeTokens: 64 }));
  const alwaysBase = () => structuredClone(buildEppConfig(version, { decider: 'always', nonCachedTokens: 32, blockSizeTokens: 64 }));
  const mut = (id, what, fn, from = base) => {
    const c = from();
    const r = fn(c);
    add(version, `mut-${id}`, header([`mutation: ${what}`, `of: pd-disagg's generated config for ${version}`]) + yamlOf(r ?? c));
  };
  const P = (c, type) => c.plugins.find((p) => p.type === type);
  const types = base().plugins.map((p) => p.type);
  // plugins dropped, renamed, duplicated
  for (const t of types) {
    mut(`drop-${t}`, `plugin ${t} dropped`, (c) => {
      c.plugins = c.plugins.filter((p) => p.type !== t);
    });
    // without its role filter a profile picks between the two pods by the scheduler's random tie-break: the
    // outcome is not reproducible, so these are left out (epp-prefill-profile-filter refuses them)
    if (!/-filter$/.test(t)) mut(`drop-ref-${t}`, `plugin ${t} dropped with its pluginRefs`, (c) => {
      c.plugins = c.plugins.filter((p) => p.type !== t);
      for (const s of c.schedulingProfiles) s.plugins = s.plugins.filter((r) => r.pluginRef !== t);
    });
    mut(`typo-${t}`, `plugin type ${t} misspelt`, (c) => {
      P(c, t).type = t.replace(/-/, '_');
    });
    mut(`dup-${t}`, `plugin ${t} declared twice`, (c) => {
      c.plugins.push(structuredClone(P(c, t)));
    });
    mut(`dup-named-${t}`, `plugin ${t} declared twice, the second with its own name`, (c) => {
      c.plugins.push({ ...structuredClone(P(c, t)), name: `${t}-2` });
    });
  }
  // renamed with name: and refs kept consistent / not
  mut('named-decider', 'decider given a name, handler refers to the name', (c) => {
    P(c, 'prefix-based-pd-decider').name = 'my-decider';
    P(c, 'disagg-profile-handler').parameters.deciders.prefill = 'my-decider';
  });
  mut('named-decider-stale-ref', 'decider given a name, handler still refers to the type', (c) => {
    P(c, 'prefix-based-pd-decider').name = 'my-decider';
  });
  mut('named-filters', 'filters given names, profiles refer to the names', (c) => {
    P(c, 'prefill-filter').name = 'pf';
    P(c, 'decode-filter').name = 'df';
    c.schedulingProfiles[0].plugins[0].pluginRef = 'pf';
    c.schedulingProfiles[1].plugins[0].pluginRef = 'df';
  });
  // order
  mut('order-handler-first', 'disagg-profile-handler moved to the top', (c) => {
    const h = P(c, 'disagg-profile-handler');
    c.plugins = [h, ...c.plugins.filter((p) => p !== h)];
  });
  mut('order-handler-before-decider', 'handler declared just before its decider', (c) => {
    const h = P(c, 'disagg-profile-handler');
    const d = P(c, 'prefix-based-pd-decider');
    c.plugins = [...c.plugins.filter((p) => p !== h && p !== d), h, d];
  });
  mut('order-reversed', 'plugin list reversed', (c) => {
    c.plugins.reverse();
  });
  mut('order-producer-last', 'producer declared last', (c) => {
    const p = c.plugins.shift();
    c.plugins.push(p);
  });
  mut('order-profiles-swapped', 'decode profile listed before prefill', (c) => {
    c.schedulingProfiles.reverse();
  });
  mut('order-always-handler-first', 'always decider, handler moved to the top', (c) => {
    const h = P(c, 'disagg-profile-handler');
    c.plugins = [h, ...c.plugins.filter((p) => p !== h)];
  }, alwaysBase);
  // parameter names and types
  for (const t of types) {
    mut(`param-unknown-${t}`, `unknown parameter on ${t}`, (c) => {
      const p = P(c, t);
      p.parameters = { ...(p.parameters ?? {}), bogusParameter: 1 };
    });
  }
  mut('param-noncached-string', 'nonCachedTokens as a string', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = '32';
  });
  mut('param-noncached-0', 'nonCachedTokens 0', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 0;
  });
  mut('param-noncached-negative', 'nonCachedTokens -1', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = -1;
  });
  mut('param-noncached-missing', 'decider without parameters', (c) => {
    delete P(c, 'prefix-based-pd-decider').parameters;
  });
  mut('param-noncached-typo', 'nonCachedToken (singular)', (c) => {
    P(c, 'prefix-based-pd-decider').parameters = { nonCachedToken: 32 };
  });
  mut('param-noncached-big', 'nonCachedTokens larger than the long prompt (100000)', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.nonCachedTokens = 100000;
  });
  mut('param-prompt-tokens', 'promptTokens 32 on the decider', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.promptTokens = 32;
  });
  mut('param-prompt-tokens-big', 'promptTokens 100000 on the decider', (c) => {
    P(c, 'prefix-based-pd-decider').parameters.promptTokens = 100000;
  });
  mut('param-block-string', 'blockSizeTokens as a string', (c) => {
    c.plugins[0].parameters.blockSizeTokens = '64';
  });
  mut('param-autotune-string', 'autoTune as a string', (c) => {
    c.plugins[0].parameters.autoTune = 'false';
  });
  mut('param-autotune-on', 'autoTune on', (c) => {
    c.plugins[0].parameters.autoTune = true;
  });
  mut('param-producer-defaults', 'producer without parameters', (c) => {
    delete c.plugins[0].parameters;
  });
  mut('param-block-0', 'blockSizeTokens 0 with autoTune off', (c) => {
    c.plugins[0].parameters.blockSizeTokens = 0;
  });
  mut('param-cap-negative', `${table.producer.capParam} -1`, (c) => {
    c.plugins[0].parameters[table.producer.capParam] = -1;
  });
  mut('param-cap-blocks', 'maxPrefixBlocksToMatch 256 set as well', (c) => {
    c.plugins[0].parameters.maxPrefixBlocksToMatch = 256;
  });
  mut('param-cap-tokens', 'maxPrefixTokensToMatch 16384 set as well', (c) => {
    c.plugins[0].parameters.maxPrefixTokensToMatch = 16384;
  });
  mut('param-scorer-on-scorer', 'producer parameters put on prefix-cache-scorer', (c) => {
    P(c, 'prefix-cache-scorer').parameters = { blockSizeTokens: 64, autoTune: false };
  });
  mut('param-scorer-producer-name', 'prefix-cache-scorer names the producer', (c) => {
    P(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: table.producer.type };
  });
  mut('param-scorer-producer-name-wrong', 'prefix-cache-scorer names a producer that does not exist', (c) => {
    P(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'no-such-producer' };
  });
  mut('param-handler-deciders-string', 'deciders as a string', (c) => {
    P(c, 'disagg-profile-handler').parameters.deciders = 'prefix-based-pd-decider';
  });
  mut('param-handler-flat', 'handler with the flat (deprecated) parameter names', (c) => {
    P(c, 'disagg-profile-handler').parameters = { deciderPluginName: 'prefix-based-pd-decider' };
  });
  mut('param-handler-mixed', 'handler with flat and nested parameter names', (c) => {
    P(c, 'disagg-profile-handler').parameters.prefillProfile = 'prefill';
  });
  mut('param-handler-no-params', 'handler without parameters', (c) => {
    delete P(c, 'disagg-profile-handler').parameters;
  });
  mut('param-handler-decode-decider', 'deciders.decode set as well', (c) => {
    P(c, 'disagg-profile-handler').parameters.deciders.decode = 'prefix-based-pd-decider';
  });
  mut('param-handler-profiles', 'handler names its profiles explicitly', (c) => {
    P(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'prefill', decode: 'decode' };
  });
  mut('param-weight-0', 'prefix-cache-scorer weight 0 in both profiles', (c) => {
    for (const s of c.schedulingProfiles) s.plugins.find((r) => r.pluginRef === 'prefix-cache-scorer').weight = 0;
  });
  mut('param-weight-string', 'queue-scorer weight as a string', (c) => {
    c.schedulingProfiles[0].plugins.find((r) => r.pluginRef === 'queue-scorer').weight = '1';
  });
  mut('param-parameters-list', 'decider parameters as a list', (c) => {
    P(c, 'prefix-based-pd-decider').parameters = [{ nonCachedTokens: 32 }];
  });
  // feature gates
  const gates = ['prepareDataPlugins', 'dataLayer', 'flowControl', 'enableLegacyMetrics', 'haPopulateNonLeaderDatastore', 'flowControl=true', 'flowControl=false', 'noSuchGate'];
  for (const g of gates) {
    mut(`gate-${g.replace('=', '-')}`, `featureGates: [${g}]`, (c) => ({ ...c, featureGates: [g] }));
  }
  mut('gate-empty', 'featureGates: []', (c) => ({ ...c, featureGates: [] }));
  // v0.10.0+ reads gate=value: the name is the text before "=" as written, the value must pass strconv.ParseBool
  if (table.featureGates.acceptsAssignments) {
    mut('gate-flowControl-leading-space', 'featureGates: [" flowControl=true"]', (c) => ({ ...c, featureGates: [' flowControl=true'] }));
    mut('gate-flowControl-maybe', 'featureGates: [flowControl=maybe]', (c) => ({ ...c, featureGates: ['flowControl=maybe'] }));
    mut('gate-flowControl-TRUE-spaced', 'featureGates: ["flowControl= TRUE"]', (c) => ({ ...c, featureGates: ['flowControl= TRUE'] }));
  }
  // apiVersion and kind
  for (const a of ['inference.networking.x-k8s.io/v1alpha1', 'llm-d.ai/v1alpha1', 'llm-d.ai/v1beta1', 'inference.networking.k8s.io/v1']) {
    mut(`api-${a.replace(/[^a-z0-9]+/g, '-')}`, `apiVersion ${a}`, (c) => {
      c.apiVersion = a;
    });
  }
  mut('api-missing', 'no apiVersion', (c) => {
    delete c.apiVersion;
  });
  mut('kind-wrong', 'kind PluginConfig', (c) => {
    c.kind = 'PluginConfig';
  });
  mut('kind-missing', 'no kind', (c) => {
    delete c.kind;
  });
  // unknown top-level fields
  for (const f of ['plugin', 'profiles', 'schedulingProfile', 'metadata', 'spec']) {
    mut(`top-${f}`, `unknown top-level field ${f}`, (c) => ({ ...c, [f]: f === 'metadata' ? { name: 'x' } : [] }));
  }
  mut('top-data', 'data: {} (known in some tags)', (c) => ({ ...c, data: {} }));
  mut('top-saturation', 'saturationDetector: {} ', (c) => ({ ...c, saturationDetector: {} }));
  // extra profile handlers
  mut('handler-extra-single', 'single-profile-handler added', (c) => {
    c.plugins.push({ type: 'single-profile-handler' });
  });
  mut('handler-extra-disagg', 'a second disagg-profile-handler with its own name', (c) => {
    c.plugins.push({ ...structuredClone(P(c, 'disagg-profile-handler')), name: 'second-handler' });
  });
  mut('handler-pd-legacy', 'pd-profile-handler instead of disagg-profile-handler', (c) => {
    const h = P(c, 'disagg-profile-handler');
    h.type = 'pd-profile-handler';
    h.parameters = { deciderPluginName: 'prefix-based-pd-decider' };
  });
  mut('handler-single-only', 'single-profile-handler instead of disagg-profile-handler', (c) => {
    const h = P(c, 'disagg-profile-handler');
    h.type = 'single-profile-handler';
    delete h.parameters;
  });
  // stageOrder
  for (const so of ['prefill-first', 'decode-first', 'bogus']) {
    mut(`stage-${so}`, `stageOrder ${so} with deciders.prefill`, (c) => {
      P(c, 'disagg-profile-handler').parameters.stageOrder = so;
    });
    mut(`stage-${so}-no-decider`, `stageOrder ${so} without any decider`, (c) => {
      P(c, 'disagg-profile-handler').parameters = { stageOrder: so };
    });
  }
  // producer names
  mut('producer-named', 'producer given a name', (c) => {
    c.plugins[0].name = 'my-producer';
  });
  mut('producer-named-scorer-ref', 'producer given a name the scorer refers to', (c) => {
    c.plugins[0].name = 'my-producer';
    P(c, 'prefix-cache-scorer').parameters = { prefixMatchInfoProducerName: 'my-producer' };
  });
  mut('producer-none-scorer-params', 'no producer, producer parameters on the scorer', (c) => {
    const params = c.plugins.shift().parameters;
    P(c, 'prefix-cache-scorer').parameters = params;
  });
  mut('producer-none-no-scorer', 'no producer and no prefix-cache-scorer', (c) => {
    c.plugins = c.plugins.filter((p, i) => i !== 0 && p.type !== 'prefix-cache-scorer');
    for (const s of c.schedulingProfiles) s.plugins = s.plugins.filter((r) => r.pluginRef !== 'prefix-cache-scorer');
  });
  mut('producer-none-always', 'always decider, no producer', (c) => {
    c.plugins.shift();
  }, alwaysBase);
  mut('producer-none-always-no-scorer', 'always decider, no producer and no prefix-cache-scorer', (c) => {
    c.plugins = c.plugins.filter((p, i) => i !== 0 && p.type !== 'prefix-cache-scorer');
    for (const s of c.schedulingProfiles) s.plugins = s.plugins.filter((r) => r.pluginRef !== 'prefix-cache-scorer');
  }, alwaysBase);
  // renamed profiles
  mut('profile-prefill-renamed', 'prefill profile renamed pf, handler told', (c) => {
    c.schedulingProfiles[0].name = 'pf';
    P(c, 'disagg-profile-handler').parameters.profiles = { prefill: 'pf' };
  });
  mut('profile-prefill-renamed-untold', 'prefill profile renamed pf, handler not told', (c) => {
    c.schedulingProfiles[0].name = 'pf';
  });
  mut('profile-decode-renamed', 'decode profile renamed dc, handler told', (c) => {
    c.schedulingProfiles[1].name = 'dc';
    P(c, 'disagg-profile-handler').parameters.profiles = { decode: 'dc' };
  });
  mut('profile-decode-renamed-untold', 'decode profile renamed dc, handler not told', (c) => {
    c.schedulingProfiles[1].name = 'dc';
  });
  mut('profile-prefill-missing', 'prefill profile removed', (c) => {
    c.schedulingProfiles.shift();
  });
  mut('profile-extra', 'a third profile', (c) => {
    c.schedulingProfiles.push({ name: 'extra', plugins: [{ pluginRef: 'decode-filter' }, { pluginRef: 'max-score-picker' }] });
  });
  mut('profile-no-picker', 'prefill profile without a picker', (c) => {
    c.schedulingProfiles[0].plugins = c.schedulingProfiles[0].plugins.filter((r) => r.pluginRef !== 'max-score-picker');
  });
  mut('profile-filters-swapped', 'role filters swapped between the profiles', (c) => {
    c.schedulingProfiles[0].plugins[0].pluginRef = 'decode-filter';
    c.schedulingProfiles[1].plugins[0].pluginRef = 'prefill-filter';
  });
  mut('profile-dup-ref', 'queue-scorer referenced twice in a profile', (c) => {
    c.schedulingProfiles[0].plugins.push({ pluginRef: 'queue-scorer', weight: 1 });
  });
  mut('profile-dangling-ref', 'profile refers to a plugin that is not declared', (c) => {
    c.schedulingProfiles[0].plugins.push({ pluginRef: 'kv-cache-utilization-scorer', weight: 1 });
  });
  // alpha plugins
  for (const a of ALPHA_SAMPLE) {
    mut(`alpha-${a}`, `${a} declared (not referenced)`, (c) => {
      c.plugins.push({ type: a });
    });
  }
  // headers handler
  mut('headers-handler-added', 'disagg-headers-handler declared', (c) => {
    if (!P(c, 'disagg-headers-handler')) c.plugins.push({ type: 'disagg-headers-handler' });
  });
  mut('headers-handler-prefill-header', 'prefill-header-handler declared', (c) => {
    c.plugins = c.plugins.filter((p) => p.type !== 'disagg-headers-handler');
    c.plugins.push({ type: 'prefill-header-handler' });
  });
  // other deciders
  mut('decider-always-with-params', 'always decider given nonCachedTokens', (c) => {
    P(c, 'always-disagg-pd-decider').parameters = { nonCachedTokens: 32 };
  }, alwaysBase);
  mut('decider-both', 'both deciders declared, handler uses prefix', (c) => {
    c.plugins.splice(c.plugins.length - 1, 0, { type: 'always-disagg-pd-decider' });
  });
  mut('decider-both-always-used', 'both deciders declared, handler uses always', (c) => {
    c.plugins.splice(c.plugins.length - 1, 0, { type: 'always-disagg-pd-decider' });
    P(c, 'disagg-profile-handler').parameters.deciders.prefill = 'always-disagg-pd-decider';
  });
  // a decider slot naming a plugin that is not a decider, or the multimodal decider (rules epp-decider-not-decider,
  // epp-prefill-decider-multimodal)
  mut('decider-prefill-is-filter', 'deciders.prefill names prefill-filter, which is not a decider', (c) => {
    P(c, 'disagg-profile-handler').parameters.deciders.prefill = 'prefill-filter';
  });
  mut('handler-pd-legacy-decider-is-filter', 'pd-profile-handler whose deciderPluginName names prefill-filter', (c) => {
    const h = P(c, 'disagg-profile-handler');
    h.type = 'pd-profile-handler';
    h.parameters = { deciderPluginName: 'prefill-filter' };
  });
  mut('handler-pd-legacy-extra-profile', 'pd-profile-handler with a third scheduling profile (a copy of decode named spare)', (c) => {
    const h = P(c, 'disagg-profile-handler');
    h.type = 'pd-profile-handler';
    h.parameters = { deciderPluginName: 'prefix-based-pd-decider' };
    c.schedulingProfiles.push({ ...structuredClone(c.schedulingProfiles.find((s) => s.name === 'decode')), name: 'spare' });
  });
  mut('decider-multimodal-prefill', 'always-disagg-multimodal-decider instead of the prefix decider, in deciders.prefill', (c) => {
    c.plugins = c.plugins.filter((p) => p.type !== 'prefix-based-pd-decider');
    c.plugins.splice(c.plugins.indexOf(P(c, 'disagg-profile-handler')), 0, { type: 'always-disagg-multimodal-decider' });
    P(c, 'disagg-profile-handler').parameters.deciders.prefill = 'always-disagg-multimodal-decider';
  });
  // other filters
  mut('filter-by-label', 'by-label filters instead of role filters', (c) => {
    P(c, 'prefill-filter').type = 'by-label';
    P(c, 'by-label').name = 'prefill-filter';
    P(c, 'by-label').parameters = { label: 'llm-d.ai/role', validValues: ['prefill'] };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 4b. mutations of the generated E/P/D config (the epd-prefix-n16-b16 knobs): the encode decider, profile and their
// references (the harness sends an image whenever the config has an encode stage or an encode decider)
for (const version of ROUTER_VERSIONS) {
  const base = () => structuredClone(buildEppConfig(version, { decider: 'prefix-based', nonCachedTokens: 16, blockSizeTokens: 16, encode: true }));
  const mut = (id, what, fn) => {
    const c = base();
    fn(c);
    add(version, `mut-epd-${id}`, header([`mutation: ${what}`, `of: pd-disagg's generated E/P/D config for ${version}`]) + yamlOf(c));
  };
  const P = (c, type) => c.plugins.find((p) => p.type === type);
  const handler = (c) => P(c, 'disagg-profile-handler');
  const encodeProfile = (c) => c.schedulingProfiles.find((s) => s.name === 'encode');
  mut('decider-after-handler', 'always-disagg-multimodal-decider declared after the profile handler', (c) => {
    const d = P(c, 'always-disagg-multimodal-decider');
    c.plugins = [...c.plugins.filter((p) => p !== d), d];
  });
  mut('no-encode-decider', 'deciders.encode removed (the encode profile stays)', (c) => {
    delete handler(c).parameters.deciders.encode;
  });
  mut('drop-encode-decider', 'always-disagg-multimodal-decider dropped, deciders.encode still names it', (c) => {
    c.plugins = c.plugins.filter((p) => p.type !== 'always-disagg-multimodal-decider');
  });
  mut('encode-decider-unknown-name', 'deciders.encode names a plugin that is not declared', (c) => {
    handler(c).parameters.deciders.encode = 'no-such-decider';
  });
  mut('drop-encode-profile', 'the encode scheduling profile removed (deciders.encode stays)', (c) => {
    c.schedulingProfiles = c.schedulingProfiles.filter((s) => s.name !== 'encode');
  });
  mut('encode-profile-renamed', 'encode profile renamed enc, handler told (profiles.encode)', (c) => {
    encodeProfile(c).name = 'enc';
    handler(c).parameters.profiles = { encode: 'enc' };
  });
  mut('encode-profile-renamed-untold', 'encode profile renamed enc, handler not told', (c) => {
    encodeProfile(c).name = 'enc';
  });
  mut('named-encode-decider', 'encode decider given a name, handler refers to the name', (c) => {
    P(c, 'always-disagg-multimodal-decider').name = 'mm';
    handler(c).parameters.deciders.encode = 'mm';
  });
  mut('encode-decider-is-pd-decider', 'deciders.encode names the prefix-based P/D decider', (c) => {
    handler(c).parameters.deciders.encode = 'prefix-based-pd-decider';
  });
  mut('encode-decider-is-always-pd-decider', 'deciders.encode names an always-disagg-pd-decider (declared before the handler)', (c) => {
    const h = handler(c);
    c.plugins.splice(c.plugins.indexOf(h), 0, { type: 'always-disagg-pd-decider' });
    h.parameters.deciders.encode = 'always-disagg-pd-decider';
  });
  mut('encode-decider-is-filter', 'deciders.encode names encode-filter, which is not a decider', (c) => {
    handler(c).parameters.deciders.encode = 'encode-filter';
  });
  mut('encode-decider-flat-is-scorer', 'flat parameters, encodeDeciderPluginName names queue-scorer', (c) => {
    handler(c).parameters = { prefillDeciderPluginName: 'prefix-based-pd-decider', encodeDeciderPluginName: 'queue-scorer' };
  });
  mut('prefill-decider-is-mm', 'deciders.prefill names always-disagg-multimodal-decider (so does deciders.encode)', (c) => {
    handler(c).parameters.deciders.prefill = 'always-disagg-multimodal-decider';
  });
  mut('pd-handler-encode-decider', 'pd-profile-handler (no encode stage) given encodeDeciderPluginName', (c) => {
    Object.assign(handler(c), { type: 'pd-profile-handler', parameters: { deciderPluginName: 'prefix-based-pd-decider', encodeDeciderPluginName: 'always-disagg-multimodal-decider' } });
  });
  mut('encode-filter-typo', 'encode-filter type misspelt', (c) => {
    P(c, 'encode-filter').type = 'encode_filter';
  });
}

// 4c. the rollout screener's gating mode, on pd-disagg's DisaggregatedSet pair (v0.10.0+): pd-disagg writes `sum`;
// `max-role` gates the same way; `disabled` keeps no request on one revision (judged on the rollout pools too)
for (const version of ROUTER_VERSIONS) {
  if (!Object.hasOwn(routerTable(version).plugins, 'disaggregatedset-rollout-screener')) continue;
  const knobs = { decider: 'prefix-based', nonCachedTokens: 32, blockSizeTokens: 64, rollout: { scope: { app: 'pdconf-pool' }, requireRoles: ['prefill', 'decode'] } };
  for (const mode of ['max-role', 'disabled']) {
    const c = structuredClone(buildEppConfig(version, knobs));
    const gating = c.plugins.find((p) => p.type === 'disaggregatedset-rollout-screener').parameters.revisionGating;
    gating.mode = mode;
    if (mode === 'disabled') delete gating.requireRoles;
    add(version, `mut-dset-gating-${mode}`, header(['pdconf: allow-experimental-plugins', 'pdconf: rollout', `mutation: revisionGating.mode ${mode}`, `of: pd-disagg's generated DisaggregatedSet config for ${version}`]) + yamlOf(c));
  }
  // the screener's own config check (screener/disaggregatedsetrollout/config.go Validate, run by its Factory at load):
  // a gating mode that gates needs requireRoles.values with at least one role, each non-empty and listed once; the mode
  // is one of sum|max-role|disabled; revisionGating itself is required (rule dset-screener-config)
  const gatingMuts = {
    'no-require-roles': ['mode sum without requireRoles', (g) => delete g.requireRoles],
    'max-role-no-require-roles': ['mode max-role without requireRoles', (g) => { g.mode = 'max-role'; delete g.requireRoles; }],
    'require-roles-empty': ['mode sum, requireRoles.values []', (g) => { g.requireRoles.values = []; }],
    'require-roles-no-values': ['mode sum, requireRoles {} (no values)', (g) => { g.requireRoles = {}; }],
    'require-roles-blank': ['mode sum, requireRoles.values [prefill, ""]', (g) => { g.requireRoles.values = ['prefill', '']; }],
    'require-roles-dup': ['mode sum, requireRoles.values [prefill, decode, prefill]', (g) => { g.requireRoles.values = ['prefill', 'decode', 'prefill']; }],
    'mode-unknown': ['revisionGating.mode none', (g) => { g.mode = 'none'; }],
    'mode-missing': ['revisionGating without mode', (g) => delete g.mode],
    'disabled-require-roles-empty': ['mode disabled, requireRoles.values [] (not checked when disabled)', (g) => { g.mode = 'disabled'; g.requireRoles.values = []; }],
  };
  for (const [id, [what, edit]] of Object.entries(gatingMuts)) {
    const c = structuredClone(buildEppConfig(version, knobs));
    edit(c.plugins.find((p) => p.type === 'disaggregatedset-rollout-screener').parameters.revisionGating);
    add(version, `mut-dset-gating-${id}`, header(['pdconf: allow-experimental-plugins', 'pdconf: rollout', `mutation: ${what}`, `of: pd-disagg's generated DisaggregatedSet config for ${version}`]) + yamlOf(c));
  }
  const c = structuredClone(buildEppConfig(version, knobs));
  delete c.plugins.find((p) => p.type === 'disaggregatedset-rollout-screener').parameters.revisionGating;
  add(version, 'mut-dset-gating-absent', header(['pdconf: allow-experimental-plugins', 'pdconf: rollout', 'mutation: no revisionGating', `of: pd-disagg's generated DisaggregatedSet config for ${version}`]) + yamlOf(c));
}

// ---------------------------------------------------------------------------------------------------------------
// 5. routing sidecar argument lists: what pd-disagg generates, and existing sidecars it accepts or rejects
const { buildSidecarContainer } = router;
const sidecar = {};
for (const version of ROUTER_VERSIONS) {
  const table = routerTable(version);
  const cases = [];
  const gen = (connector, prefillPort, v = version) => buildSidecarContainer(v, { enginePort: 8200, listenPort: 8000, connector, native: true, ...(prefillPort ? { prefillPort } : {}) }).args;
  const c = (id, args, what) => cases.push({ id, what, args });
  // every connector pd-disagg injects at this version (table.sidecar.kvWiring), and with a prefill bootstrap port off
  // the default where the sidecar takes it as a flag (mooncake: --mooncake-bootstrap-port)
  for (const [k, w] of Object.entries(table.sidecar.kvWiring)) {
    c(`gen-${k}`, gen(k), `pd-disagg's generated sidecar, --${table.sidecar.connectorFlag}=${k}`);
    if (w.prefillPort?.flag) c(`gen-${k}-bootstrap-port`, gen(k, 9100), `pd-disagg's generated sidecar, --${table.sidecar.connectorFlag}=${k} for a prefill whose ${w.prefillPort.engine.env ?? w.prefillPort.engine.flag} is 9100`);
  }
  const base = gen('nixlv2');
  for (const k of table.sidecar.kvConnectors) if (!(k in table.sidecar.kvWiring)) c(`connector-${k}`, base.map((a) => a.replace(/=nixlv2$/, `=${k}`)), `connector ${k}`);
  c('connector-bogus', base.map((a) => a.replace(/=nixlv2$/, '=bogus')), 'unknown connector');
  for (const f of Object.keys(table.sidecar.removedFlags)) c(`removed-${f}`, [...base, /tls|secure/.test(f) ? `--${f}=false` : `--${f}=x`], `flag --${f}, which this version removed`);
  for (const f of Object.keys(table.sidecar.deprecatedFlags)) c(`deprecated-${f}`, [...base, /port/.test(f) ? `--${f}=8200` : /tls|secure/.test(f) ? `--${f}=false` : `--${f}=x`], `deprecated flag --${f}`);
  c('unknown-flag', [...base, '--no-such-flag=1'], 'a flag no version has');
  c('zap-flag', [...base, '--zap-log-level=debug'], 'a logging (zap) flag');
  c('no-engine-port', base.filter((a) => !table.sidecar.enginePortFlags.some((f) => a.startsWith(`--${f}=`))), 'no engine port flag (the default applies)');
  c('no-connector', base.filter((a) => !a.startsWith(`--${table.sidecar.connectorFlag}=`)), 'no connector flag');
  // the connector flags are string flags: written bare (options.go fs.StringVar), last or before another flag
  const withoutConnector = base.filter((a) => !a.startsWith(`--${table.sidecar.connectorFlag}=`));
  c('bare-connector-last', [...withoutConnector, `--${table.sidecar.connectorFlag}`], `--${table.sidecar.connectorFlag} with no value, the last argument`);
  c('bare-connector-first', [`--${table.sidecar.connectorFlag}`, ...withoutConnector], `--${table.sidecar.connectorFlag} with no value, before another flag`);
  c('bare-ec-connector-last', [...base, `--${table.sidecar.ecConnectorFlag}`], `--${table.sidecar.ecConnectorFlag} with no value, the last argument`);
  c('single-dash', base.map((a) => a.replace(/^--/, '-')), 'flags written with one dash');
  c('space-separated', base.flatMap((a) => a.split('=')), 'flag values as separate arguments');
  for (const other of ROUTER_VERSIONS) if (other !== version) c(`gen-of-${other}`, buildSidecarContainer(other, { enginePort: 8200, listenPort: 8000, connector: 'nixlv2', native: true }).args, `the sidecar pd-disagg generates for ${other}`);
  // a connector another version's sidecar has and this one lacks (mooncake before v0.9.0): pd-disagg never injects it here
  for (const other of ROUTER_VERSIONS) {
    for (const k of Object.keys(routerTable(other).sidecar.kvWiring)) {
      if (k in table.sidecar.kvWiring) continue;
      c(`gen-of-${other}-${k}`, gen(k, undefined, other), `the ${k} sidecar pd-disagg generates for ${other} (prefill on the default bootstrap port)`);
    }
  }
  sidecar[version] = cases;
}
mkdirSync(join(DATA, 'sidecar'), { recursive: true });
for (const [version, cases] of Object.entries(sidecar)) writeFileSync(join(DATA, 'sidecar', `${version}.json`), JSON.stringify({ version, note: 'generated by scripts/conformance-corpus.mjs', cases }, null, 2) + '\n');

// ---------------------------------------------------------------------------------------------------------------
for (const version of ROUTER_VERSIONS) {
  const dir = join(DATA, version);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) rmSync(join(dir, f));
  for (const [id, text] of Object.entries(files[version] ?? {})) writeFileSync(join(dir, `${id}.yaml`), text);
  console.log(`${version}: ${Object.keys(files[version] ?? {}).length} configs`);
}
