// The pair scope of the registry: every rule that compares the prefill and decode engines or checks the wiring
// between them, in the order results are reported. The rules themselves live by topic:
//   roles.ts   — engine kinds, KV transfer config, connectors and roles
//   compat.ts  — what both engines must agree on (model, dtypes, attention backend, HMA, block size, TP, PP)
//   ports.ts   — HTTP ports, the routing sidecar, the NIXL side channel
//   port-range.ts — per-rank ports past 65535
//   pod.ts     — namespace, role labels, /dev/shm, env, engine identity
//   sidecar.ts — an existing routing sidecar's flags and image against the router version; EPP knobs it lacks
//   sglang.ts  — SGLang's --disaggregation-* flags and host

import type { PairContext } from '../context.js';
import type { Rule } from '../registry.js';
import { compatRules } from './compat.js';
import { podRules } from './pod.js';
import { portRules } from './ports.js';
import { portRangeRules } from './port-range.js';
import { roleRules } from './roles.js';
import { sglangRules } from './sglang.js';
import { sidecarRules } from './sidecar.js';

export { enginePath } from './helpers.js';

export const pairRules: Rule<PairContext>[] = [...roleRules, ...compatRules, ...portRules, ...portRangeRules, ...sidecarRules, ...sglangRules, ...podRules];
