#!/usr/bin/env node
// Which config pd-disagg gets under Argo CD (argocd/plugin.yaml's generate), without ever evaluating a value:
//   pd-disagg-argocd-config.mjs TMPDIR    prints the path of the config file to pass to pd-disagg --config
// - The Application sets plugin parameters (spec.source.plugin.parameters; Argo CD hands them over as the JSON
//   ARGOCD_APP_PARAMETERS, [{"name": ..., "string": ...}]): they become the ConfigMap form of the FunctionConfig,
//   one data key per parameter (the names announced in plugin.yaml), written to TMPDIR/argocd-parameters.yaml.
//   Values are copied as data (JSON strings); pd-disagg validates them and names the key on an error.
// - Otherwise: the file named by the Application's plugin env PD_CONFIG (ARGOCD_ENV_PD_CONFIG), else pd-disagg.yaml.
// Parameters and a config file together are refused: one place says what the router does.
// Exit 1 with one line on stderr on bad input. Plain node, no dependencies (it runs in the CMP sidecar).
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The ConfigMap form's keys (README "FunctionConfig"), which are also the parameter names plugin.yaml announces. */
export const KEYS = [
  'name',
  'prefill',
  'decode',
  'encode',
  'prefillContainer',
  'decodeContainer',
  'encodeContainer',
  'prefillRole',
  'decodeRole',
  'encodeRole',
  'eppVersion',
  'decider',
  'nonCachedTokens',
  'promptTokens',
  'blockSizeTokens',
  'routerEnabled',
  'gateway',
  'requestTimeout',
  'metricsAuth',
  'rules',
  'sidecarNative',
  'sidecarImage',
  'sidecarPort',
];

class UsageError extends Error {}

/** ARGOCD_APP_PARAMETERS → data of the ConfigMap form, or undefined when the Application set no parameter. */
export function parametersToData(json) {
  if (json === undefined || json.trim() === '') return undefined;
  let list;
  try {
    list = JSON.parse(json);
  } catch (err) {
    throw new UsageError(`ARGOCD_APP_PARAMETERS is not JSON: ${err.message}`);
  }
  if (list === null) return undefined;
  if (!Array.isArray(list)) throw new UsageError('ARGOCD_APP_PARAMETERS must be a JSON array of parameters');
  if (list.length === 0) return undefined;
  const data = {};
  for (const [i, p] of list.entries()) {
    if (p === null || typeof p !== 'object' || typeof p.name !== 'string') throw new UsageError(`parameter ${i + 1}: no name`);
    if (!KEYS.includes(p.name)) {
      throw new UsageError(`parameter ${p.name} is not one pd-disagg takes; use one of: ${KEYS.join(', ')}`);
    }
    if (p.array !== undefined || p.map !== undefined || typeof p.string !== 'string') {
      throw new UsageError(`parameter ${p.name} must be a string (spec.source.plugin.parameters[].string), not an array or map`);
    }
    if (Object.hasOwn(data, p.name)) throw new UsageError(`parameter ${p.name} is set twice`);
    data[p.name] = p.string;
  }
  return data;
}

/** The ConfigMap as YAML text; every key and value a JSON string (JSON is YAML: nothing in a value is syntax). */
export function configMapText(data) {
  const lines = Object.entries(data).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `# pd-disagg config from the Argo CD Application's plugin parameters\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pd-disagg-parameters\ndata:\n${lines.join('\n')}\n`;
}

export function chooseConfig(env, tmpdir, cwdHas = existsSync) {
  const data = parametersToData(env.ARGOCD_APP_PARAMETERS);
  const named = env.ARGOCD_ENV_PD_CONFIG;
  if (data === undefined) return named ? named : 'pd-disagg.yaml';
  if (named) throw new UsageError(`the Application sets both plugin parameters and PD_CONFIG=${named}; set the knobs in one place`);
  if (cwdHas('pd-disagg.yaml')) {
    throw new UsageError('the Application sets plugin parameters and the directory has a pd-disagg.yaml; set the knobs in one place');
  }
  if (!tmpdir) throw new UsageError('usage: pd-disagg-argocd-config TMPDIR');
  const file = join(tmpdir, 'argocd-parameters.yaml');
  writeFileSync(file, configMapText(data));
  return file;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${chooseConfig(process.env, process.argv[2])}\n`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pd-disagg-argocd-config: error: ${err.message}\n`);
    process.exitCode = 1;
  }
}
