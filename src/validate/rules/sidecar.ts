// Pair rules about a routing sidecar the decode pod already has: the flags and image it carries against the router
// version of the config (pd-sidecar parses flags with pflag and exits on an unknown one), and the EPP knobs of the
// config that the version cannot honour (eppKnobRules, in the epp-config scope: they point at the config). The rules
// judge the planned result: the sidecar pd-disagg injects passes the same checks as one the user wrote.

import { checkEppKnobs } from '../../router/epp-config.js';
import { sidecarFlagProblems, type SidecarFlagProblem } from '../../router/sidecar.js';
import { routerTable } from '../../router/table.js';
import { ROUTER_VERSIONS, type RouterVersion } from '../../router/types.js';
import { parseImage } from '../../names.js';
import type { EppContext, PairContext } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';

function existing(ctx: PairContext) {
  return ctx.sidecar;
}

function problems(ctx: PairContext, keep: (p: SidecarFlagProblem) => boolean): Finding[] {
  const s = existing(ctx);
  if (!s) return [];
  return sidecarFlagProblems(ctx.version, s.container)
    .filter(keep)
    .map((p) => ({
      message: `routing sidecar ${String(s.container.name ?? '')}: ${p.message}`,
      resource: ctx.decode.resource,
      path: `${s.containerPath}.${p.path ?? 'args'}`,
      // undefined values are left out of the result (toResult)
      currentValue: p.currentValue,
      proposedValue: p.proposedValue,
    }));
}

const isEnginePortDefault = (ctx: PairContext) => (p: SidecarFlagProblem) => p.flag === routerTable(ctx.version).sidecar.enginePortFlags[0] && p.path === undefined;

/** Which router version an image reference belongs to, when its repository or tag says so. */
function imageVersion(image: string): { repo: string; tag?: string; versions: RouterVersion[] } | undefined {
  const { segments, tag, digest } = parseImage(image);
  if (digest) return undefined; // a digest says nothing readable about the version
  const repo = segments.at(-1) ?? '';
  const versions = ROUTER_VERSIONS.filter((v) => routerTable(v).images.sidecar.endsWith(`/${repo}`));
  if (versions.length === 0) return undefined;
  return { repo, tag, versions };
}

export const sidecarRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'sidecar-flag-unknown',
    scope: 'pair',
    severity: 'error',
    summary: "the decode pod's routing sidecar has a flag (or connector value) that sidecar of the router version does not have, or a connector flag written without its value",
    fix: 'remove the flag or use its replacement for that router version (e.g. --connector → --kv-connector)',
    field: 'routing sidecar args',
    check: (ctx) => problems(ctx, (p) => p.severity === 'error'),
  }),
  defineRule<PairContext>({
    id: 'sidecar-flag-deprecated',
    scope: 'pair',
    severity: 'warning',
    summary: "the decode pod's routing sidecar uses a flag the router version only accepts as a deprecated alias",
    fix: 'use the new spelling the message names; the alias is removed in a later version',
    field: 'routing sidecar args',
    check: (ctx) => problems(ctx, (p) => p.severity === 'warning' && !isEnginePortDefault(ctx)(p)),
  }),
  defineRule<PairContext>({
    id: 'sidecar-engine-port-default',
    scope: 'pair',
    severity: 'warning',
    summary: "the decode pod's routing sidecar gets no engine port and relies on the version's default",
    fix: 'pass the engine port explicitly (--vllm-port, or --model-server-port from v0.10.0)',
    field: 'routing sidecar args',
    // when the default is not the engine's port, sidecar-target-port reports the error instead
    check: (ctx) => (ctx.sidecar?.targetPort === ctx.decode.engine.port.value ? problems(ctx, isEnginePortDefault(ctx)) : []),
  }),
  defineRule<PairContext>({
    id: 'sidecar-image-version',
    scope: 'pair',
    severity: 'warning',
    summary: "the decode pod's routing sidecar image belongs to another router version than the config's",
    fix: "use the sidecar image of the config's router version, or set spec.epp.version to the version the image runs",
    field: 'routing sidecar image',
    check(ctx) {
      const s = existing(ctx);
      const image = s?.container.image;
      if (!s || typeof image !== 'string') return [];
      const seen = imageVersion(image);
      if (!seen) return [];
      const table = routerTable(ctx.version);
      const want = `${table.images.sidecar}:${table.images.tag}`;
      const rightRepo = seen.versions.includes(ctx.version);
      const versionTag = seen.tag !== undefined && /^v\d+\.\d+\.\d+$/.test(seen.tag);
      if (rightRepo && (!versionTag || seen.tag === table.images.tag)) return [];
      const what = !rightRepo
        ? `the ${seen.repo} image is the routing sidecar of router ${seen.versions.join(', ')}${seen.tag !== undefined ? ` (here tagged ${seen.tag})` : ''}`
        : `its tag ${seen.tag} is another release than router ${ctx.version}`;
      return [
        {
          message: `routing sidecar ${String(s.container.name ?? '')} runs ${image}: ${what}, while the config targets router ${ctx.version}, whose sidecar is ${want} and whose flags the sidecar's args are checked against. Use ${want}, or set spec.epp.version to the router version the image runs`,
          resource: ctx.decode.resource,
          path: `${s.containerPath}.image`,
          currentValue: image,
          proposedValue: want,
        },
      ];
    },
  }),
];

/** EPP-config scope: knobs of the config that the generated EPP config cannot carry for the version. */
export const eppKnobRules: Rule<EppContext>[] = [
  defineRule<EppContext>({
    id: 'epp-knob-unsupported',
    scope: 'epp-config',
    severity: 'warning',
    summary: 'an EPP setting of the config that the router version (or the decider) does not have, left out of the generated EPP config',
    fix: 'raise spec.epp.version to one that has it, or remove the setting',
    field: 'spec.epp.promptTokens',
    check(ctx) {
      if (!ctx.knobs) return [];
      const { knobs, configRef, fieldPrefix } = ctx.knobs;
      return checkEppKnobs(ctx.version, knobs).map((p) => ({
        message: p.message,
        ...(configRef ? { resource: configRef, path: `${fieldPrefix}${p.field}` } : {}),
        currentValue: knobs[p.field],
      }));
    },
  }),
];

