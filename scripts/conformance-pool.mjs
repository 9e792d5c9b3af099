// The fake pool and the requests the conformance harness (test/conformance/main.go.in) gets for one corpus config,
// derived from the config itself, so the router's own filters and screeners find the pods the config asks for:
//
// - always prefill-0 (10.0.0.1, llm-d.ai/role=prefill) and decode-0 (10.0.0.2, llm-d.ai/role=decode), in the
//   InferencePool (app=pdconf-pool), labelled as revision pdconf-rev-1 of a DisaggregatedSet pdconf-set;
// - encode-0 (10.0.0.3, llm-d.ai/role=encode) when the config has an encode stage (an encode decider in the profile
//   handler, a scheduling profile with the handler's encode name, or one that uses encode-filter), and then an `image`
//   request besides long and hi;
// - a by-label filter in a stage's profile: that stage's pod gets the filter's label with its first valid value;
// - a disaggregatedset-rollout-screener: every pod gets the equality labels of its scope.labelSelector, and the
//   stage pods get its requireRoles values on its roleLabelKey, in stage order (encode, prefill, decode: the order
//   pd-disagg writes them, src/router/rollout-screener.ts) and revision pdconf-rev-1 on its revisionLabelKey.
//
// A config whose header has `# pdconf: rollout` is also judged on more pools, each a fresh EPP, with 64 requests that
// share no prefix (long text; images when the config has an encode stage): `rollout` (revisions pdconf-rev-1 and
// pdconf-rev-2 both complete: prefill-1, decode-1, encode-1 copy the stage pods), `rolloutPartial` (pdconf-rev-2 has
// only decode-1, a rollout step whose new revision has no prefill pod yet) and, with an encode stage,
// `rolloutNoEncode` (pdconf-rev-2 has prefill-1 and decode-1 but no encode pod yet). Their verdicts say which
// revision pairs (encode pod's / prefill pod's / decode pod's) the router formed.
//
// This module decides only what the fake cluster looks like; every routing decision is the router's.
import { parse } from 'yaml';

export const POOL_APP = 'pdconf-pool';
export const POD_PORT = 8000;
export const ROLE_LABEL = 'llm-d.ai/role';
export const SET_NAME = 'disaggregatedset.x-k8s.io/name';
export const SET_ROLE = 'disaggregatedset.x-k8s.io/role';
export const SET_REVISION = 'disaggregatedset.x-k8s.io/revision';
export const REVISIONS = ['pdconf-rev-1', 'pdconf-rev-2'];
export const ROLLOUT_REQUESTS = 64;
const STAGES = ['encode', 'prefill', 'decode'];
const IPS = { 'prefill-0': '10.0.0.1', 'decode-0': '10.0.0.2', 'encode-0': '10.0.0.3', 'prefill-1': '10.0.0.11', 'decode-1': '10.0.0.12', 'encode-1': '10.0.0.13' };

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function stagePod(stage, index, revision) {
  const name = `${stage}-${index}`;
  return { name, ip: IPS[name], labels: { app: POOL_APP, [ROLE_LABEL]: stage, [SET_NAME]: 'pdconf-set', [SET_ROLE]: stage, [SET_REVISION]: revision } };
}

/** The pool every config got before the pool was derived from the config (and still gets when nothing asks for more). */
export function defaultPods() {
  return [stagePod('prefill', 0, REVISIONS[0]), stagePod('decode', 0, REVISIONS[0])];
}

/** The equality requirements of a Kubernetes label selector string (`k=v`, `k==v`, `k in (v,…)`: first value, `k`:
 * any value); requirements that exclude (`!k`, `k!=v`, `k notin (…)`) need no label. */
export function selectorLabels(selector) {
  const out = {};
  if (typeof selector !== 'string') return out;
  const terms = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(cur);
      cur = '';
    } else cur += ch;
  }
  terms.push(cur);
  for (const raw of terms.map((t) => t.trim()).filter(Boolean)) {
    let m;
    if ((m = /^([^\s!=]+)\s*(?:==|=)\s*(\S*)$/.exec(raw))) out[m[1]] = m[2];
    else if ((m = /^(\S+)\s+in\s*\(\s*([^,)\s]*)/.exec(raw))) out[m[1]] = m[2];
    else if (/^[^\s!=()]+$/.test(raw)) out[raw] = 'true';
  }
  return out;
}

/** What the config asks of the pool: its stages' profiles, the labels their filters want, the rollout screener. */
export function poolNeeds(config) {
  const needs = { encode: false, stageLabels: { encode: {}, prefill: {}, decode: {} }, screener: undefined };
  if (!isObj(config)) return needs;
  const plugins = Array.isArray(config.plugins) ? config.plugins.filter(isObj) : [];
  const byName = new Map(plugins.map((p) => [typeof p.name === 'string' && p.name ? p.name : p.type, p]));
  const handler = plugins.find((p) => p.type === 'disagg-profile-handler' || p.type === 'pd-profile-handler');
  const hp = isObj(handler?.parameters) ? handler.parameters : {};
  const names = {};
  for (const s of STAGES) names[s] = (isObj(hp.profiles) && typeof hp.profiles[s] === 'string' && hp.profiles[s]) || (typeof hp[`${s}Profile`] === 'string' && hp[`${s}Profile`]) || s;
  const profiles = Array.isArray(config.schedulingProfiles) ? config.schedulingProfiles.filter(isObj) : [];
  const refs = (profile) => (Array.isArray(profile?.plugins) ? profile.plugins.filter(isObj).map((r) => byName.get(r.pluginRef)).filter(Boolean) : []);
  const encodeDecider = (isObj(hp.deciders) && typeof hp.deciders.encode === 'string' && hp.deciders.encode) || (typeof hp.encodeDeciderPluginName === 'string' && hp.encodeDeciderPluginName);
  needs.encode = !!encodeDecider || profiles.some((p) => p.name === names.encode) || profiles.some((p) => refs(p).some((pl) => pl.type === 'encode-filter'));
  for (const s of STAGES) {
    const profile = profiles.find((p) => p.name === names[s]);
    for (const pl of refs(profile)) {
      const params = isObj(pl.parameters) ? pl.parameters : {};
      if (pl.type === 'by-label' && typeof params.label === 'string' && Array.isArray(params.validValues) && typeof params.validValues[0] === 'string') {
        needs.stageLabels[s][params.label] = params.validValues[0];
      }
    }
  }
  const screener = plugins.find((p) => p.type === 'disaggregatedset-rollout-screener');
  if (screener) {
    const params = isObj(screener.parameters) ? screener.parameters : {};
    const gating = isObj(params.revisionGating) ? params.revisionGating : {};
    const roles = isObj(gating.requireRoles) && Array.isArray(gating.requireRoles.values) ? gating.requireRoles.values.filter((v) => typeof v === 'string') : [];
    needs.screener = {
      scope: selectorLabels(isObj(params.scope) ? params.scope.labelSelector : undefined),
      roleLabelKey: typeof gating.roleLabelKey === 'string' && gating.roleLabelKey ? gating.roleLabelKey : SET_ROLE,
      revisionLabelKey: typeof gating.revisionLabelKey === 'string' && gating.revisionLabelKey ? gating.revisionLabelKey : SET_REVISION,
      requireRoles: roles,
    };
  }
  return needs;
}

/** The stages present, in stage order, and which required role each stage's pods carry. */
function stageRoles(needs) {
  const stages = needs.encode ? STAGES : STAGES.slice(1);
  const roles = {};
  const req = needs.screener?.requireRoles ?? [];
  // requireRoles are in stage order (pd-disagg writes them so); without an encode role the encode pod keeps its own
  const order = req.length === stages.length ? stages : stages.filter((s) => s !== 'encode');
  order.forEach((s, i) => {
    if (req[i] !== undefined) roles[s] = req[i];
  });
  return { stages, roles };
}

function podsFor(needs, index, revision, only) {
  const { stages, roles } = stageRoles(needs);
  return stages
    .filter((s) => !only || only.includes(s))
    .map((s) => {
      const p = stagePod(s, index, revision);
      Object.assign(p.labels, needs.stageLabels[s]);
      if (needs.screener) {
        Object.assign(p.labels, needs.screener.scope);
        if (roles[s] !== undefined) p.labels[needs.screener.roleLabelKey] = roles[s];
        p.labels[needs.screener.revisionLabelKey] = revision;
      }
      return p;
    });
}

/**
 * The harness inputs for one corpus config: [{scenario, pods, requests}]; scenario "" is the config's own verdict,
 * "rollout"/"rolloutPartial" the two-revision pools of a `# pdconf: rollout` config.
 */
export function scenarios(text) {
  let config;
  try {
    config = parse(text);
  } catch {
    config = undefined;
  }
  const needs = poolNeeds(config);
  const requests = [
    { name: 'long', kind: 'long' },
    { name: 'hi', kind: 'hi' },
    ...(needs.encode ? [{ name: 'image', kind: 'image' }] : []),
  ];
  const out = [{ scenario: '', pods: podsFor(needs, 0, REVISIONS[0]), requests }];
  if (/^# pdconf: rollout$/m.test(text)) {
    const kind = needs.encode ? 'image' : 'long';
    const many = Array.from({ length: ROLLOUT_REQUESTS }, (_, i) => ({ name: `r${i + 1}`, kind, seed: i + 1 }));
    const revisionKey = needs.screener?.revisionLabelKey ?? SET_REVISION;
    const rev1 = podsFor(needs, 0, REVISIONS[0]);
    out.push({ scenario: 'rollout', pods: [...rev1, ...podsFor(needs, 1, REVISIONS[1])], requests: many, revisionKey });
    out.push({ scenario: 'rolloutPartial', pods: [...rev1, ...podsFor(needs, 1, REVISIONS[1], ['decode'])], requests: many, revisionKey });
    if (needs.encode) out.push({ scenario: 'rolloutNoEncode', pods: [...rev1, ...podsFor(needs, 1, REVISIONS[1], ['prefill', 'decode'])], requests: many, revisionKey });
  }
  return out;
}

/** The pool is the default one (then a verdict records no pod names, as before the pool was derived). */
export function isDefaultPool(pods) {
  return JSON.stringify(pods) === JSON.stringify(defaultPods());
}

const podOf = (endpoint) => String(endpoint).split('-rank-')[0];

/** profile -> picked pods, as one stable string ("decode=decode-0 encode=encode-0 prefill=prefill-0"). */
export function pickedOf(profiles) {
  return Object.entries(profiles ?? {})
    .map(([profile, eps]) => `${profile}=${(eps ?? []).map(podOf).join('+') || '-'}`)
    .sort()
    .join(' ');
}

/**
 * The rollout verdict of one run: the revision pairs "<prefill pod's>/<decode pod's>" (with an encode pod in the pool
 * "<encode pod's>/<prefill pod's>/<decode pod's>"; "-" for a hop the request did not take), space-separated and
 * sorted, whether any pair crossed revisions, and the router's errors.
 */
export function rolloutVerdict(result, pods, revisionKey) {
  const rev = Object.fromEntries(pods.map((p) => [p.name, p.labels[revisionKey] ?? '?']));
  const byAddr = Object.fromEntries(pods.map((p) => [`${p.ip}:${POD_PORT}`, p.name]));
  const withEncode = pods.some((p) => p.name.startsWith('encode-'));
  const pairs = new Set();
  const errors = new Set();
  let cross = false;
  let timeouts = 0;
  for (const r of Object.values(result.prompts ?? {})) {
    if (r.timeout) timeouts++;
    if (r.error) errors.add(r.error);
    const decode = byAddr[r.target];
    const picked = Object.values(r.profiles ?? {})
      .flat()
      .map(podOf);
    const prefill = picked.find((n) => n.startsWith('prefill-') && n !== decode);
    const encode = picked.find((n) => n.startsWith('encode-'));
    if (!decode) continue;
    const hops = [...(withEncode ? [encode] : []), prefill];
    pairs.add([...hops.map((n) => (n ? rev[n] : '-')), rev[decode]].join('/'));
    if (hops.some((n) => n && rev[n] !== rev[decode])) cross = true;
  }
  const v = { pairs: [...pairs].sort().join(' '), crossRevision: cross };
  if (errors.size) v.errors = [...errors].sort().join(' | ');
  if (timeouts) v.timeout = true;
  return v;
}
