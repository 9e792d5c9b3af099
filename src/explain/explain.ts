// Explain: what a render did, for people (`pd-disagg --explain`). The last step of the pipeline: it reads what the
// earlier steps decided (the config, the plan, what apply changed, the results) and derives nothing itself. Plain
// text (no colours: it lands in CI logs and pull requests), with the request path as a Mermaid flowchart at the end.

import type { PdConfig } from '../config/types.js';
import { ROLE_LABEL } from '../router/types.js';
import { describe } from '../discover/workloads.js';
import type { Outcome } from '../process.js';
import type { Op, Plan } from '../plan/types.js';
import { isPlainObject, refOf, sameRef, type KObject, type ResourceRef, type Result } from '../types.js';
import { formatResult } from '../write/stderr.js';
import { mermaidFlowchart, requestPath } from './path.js';

export function explain(outcome: Outcome): string {
  const { config, plan, results } = outcome;
  const failed = results.some((r) => r.severity === 'error');
  const out: string[] = [];
  const version = plan?.pair.version ?? config?.epp.version;
  out.push(
    `pd-disagg ${failed ? 'refused this render' : 'render'}${version ? `, llm-d router ${version}` : ''}` +
      `${plan?.namespace ? `, namespace ${plan.namespace}` : ''}${config ? `, config: ${configOrigin(config)}` : ''}`,
  );
  out.push('');

  if (plan && config) {
    const steps = requestPath(plan, config);
    out.push('Request path');
    steps.forEach((step, i) => {
      out.push(`  ${i + 1}. ${step.title}`);
      for (const line of step.details) out.push(`     ${line}`);
    });
    out.push('');
    out.push(...changes(outcome, plan, failed));
  } else {
    out.push(failed ? 'Nothing was planned: the config or the engines could not be read (findings below).' : 'Nothing was planned.');
    out.push('');
  }

  const findings = results.filter((r) => !isChangeSummary(r, outcome));
  out.push(`Findings (${findings.length === 0 ? 'none' : counts(findings)})`);
  for (const r of findings) out.push(`  ${formatResult(r).replace(/^pd-disagg: /, '')}`);
  if (findings.length > 0) out.push('  Rule ids are described in docs/rules.md; spec.rules (or the ConfigMap key rules) switches a rule off or changes its severity.');
  out.push('');

  if (plan && config) {
    out.push('Request path as a Mermaid flowchart (paste into a pull request or Markdown docs):');
    out.push('');
    out.push('```mermaid', ...mermaidFlowchart(requestPath(plan, config)), '```');
    out.push('');
  }
  out.push(failed ? 'Exit status 1: the items are written back unchanged. Fix the errors above and render again.' : 'Exit status 0.');
  return `${out.join('\n')}\n`;
}

/** Only the flowchart (`pd-disagg --explain=mermaid`); empty when nothing could be planned. */
export function explainMermaid(outcome: Outcome): string {
  if (!outcome.plan || !outcome.config) return '';
  return `${['```mermaid', ...mermaidFlowchart(requestPath(outcome.plan, outcome.config)), '```'].join('\n')}\n`;
}

function configOrigin(config: PdConfig): string {
  if (config.form === 'none') return 'none (engines discovered)';
  return config.ref ? `${config.ref.kind} ${config.ref.name}` : config.form;
}

function counts(results: readonly Result[]): string {
  const n = (s: string) => results.filter((r) => r.severity === s).length;
  return (['error', 'warning', 'info'] as const)
    .map((s) => [s, n(s)] as const)
    .filter(([, c]) => c > 0)
    .map(([s, c]) => `${c} ${s}${c === 1 ? '' : 's'}`)
    .join(', ');
}

/** The info result apply writes per changed resource (its notes joined): the Changes section says it better. */
function isChangeSummary(r: Result, outcome: Outcome): boolean {
  if (r.severity !== 'info' || r.tags || !r.resourceRef || !outcome.changes) return false;
  return outcome.changes.some((c) => sameRef(c.ref, r.resourceRef!) && c.notes.join(', ') === r.message);
}

// ---- changes ---------------------------------------------------------------------------------------------------------

function changes(outcome: Outcome, plan: Plan, failed: boolean): string[] {
  const out: string[] = [];
  const applied = outcome.changes;
  const notesOf = (ref: ResourceRef) => applied?.find((c) => sameRef(c.ref, ref))?.notes ?? [];
  const used = new Map<string, Set<string>>(); // resource → notes accounted for
  const use = (ref: ResourceRef, note: string) => {
    const key = describe(ref);
    if (!used.has(key)) used.set(key, new Set());
    used.get(key)!.add(note);
  };

  out.push(failed ? 'Changes it would make once the errors are fixed (nothing was changed)' : 'Changes to your workloads');
  const byItem = new Map<string, { ref: ResourceRef; lines: string[] }>();
  let kept = 0;
  for (const op of plan.ops) {
    if (op.op === 'upsert') continue;
    const ref = op.item.ref;
    const done = op.op === 'ensure' ? `set ${op.note}` : `added ${op.note}`;
    const notes = notesOf(ref);
    if (applied && !notes.includes(done)) {
      kept++; // already there (a value the user wrote, or an earlier render)
      continue;
    }
    use(ref, done);
    const entry = byItem.get(describe(ref)) ?? { ref, lines: [] };
    entry.lines.push(`+ ${op.op === 'ensure' ? 'set' : 'added'} ${op.note}: ${why(op, plan)}`);
    byItem.set(describe(ref), entry);
  }
  for (const { ref, lines } of byItem.values()) {
    out.push(`  ${describe(ref)}:`);
    for (const line of lines) out.push(`    ${line}`);
  }
  if (byItem.size === 0) out.push(`  none${kept > 0 ? ' (everything pd-disagg adds is already there)' : ''}`);
  else if (kept > 0) out.push(`  (${kept} more already in place, left as written)`);

  out.push('');
  out.push(failed ? 'Resources it would generate' : 'Generated resources');
  for (const object of plan.generated) {
    const ref = refOf(object);
    const notes = notesOf(ref);
    const state = !applied ? '' : notes.includes('added by pd-disagg') ? 'added' : notes.includes('refreshed by pd-disagg') ? 'refreshed' : 'unchanged';
    for (const n of notes) use(ref, n);
    out.push(`  ${state ? `${state} ` : ''}${describe(ref)}: ${whyGenerated(object, plan)}`);
  }
  if (plan.generated.length === 0) out.push('  none');

  // anything apply reports that no op above explains (removals of what pd-disagg owns, ...)
  const removed: string[] = [];
  const other: string[] = [];
  for (const c of applied ?? []) {
    for (const note of c.notes) {
      if (used.get(describe(c.ref))?.has(note)) continue;
      (/^(removed|deleted)\b/.test(note) ? removed : other).push(`  ${describe(c.ref)}: ${note}`);
    }
  }
  out.push('');
  out.push('Removed');
  out.push(...(removed.length > 0 ? removed : ['  nothing (pd-disagg removes only what it generated and no longer needs)']));
  if (other.length > 0) out.push('', 'Other changes', ...other);
  out.push('');
  return out;
}

/** Why an edit of a workload is needed. Keyed by where it goes, so a new kind of edit still prints (with its note). */
function why(op: Exclude<Op, { op: 'upsert' }>, plan: Plan): string {
  const last = op.path[op.path.length - 1];
  const parent = op.path[op.path.length - 2];
  const value = op.value as KObject | string;
  if (op.op === 'ensure' && parent === 'labels' && last === ROLE_LABEL) {
    if (value === 'encode') return "the EPP's encode filter sends images only to pods labelled encode";
    return value === 'prefill'
      ? "the EPP's prefill filter sends the prefill hop only to pods labelled prefill"
      : "the EPP's decode filter must not mistake a prefill pod for a decode pod";
  }
  if (op.op === 'ensure' && parent === 'labels') {
    return plan.pair.encode
      ? 'the pod templates shared no label, and the InferencePool selects all three engines by one'
      : 'the two pod templates shared no label, and the InferencePool selects both engines by one';
  }
  if (last === 'env' && isPlainObject(value)) {
    if (value.name === 'VLLM_NIXL_SIDE_CHANNEL_HOST') {
      return "NIXL's handshake goes to the pod IP; without it vLLM advertises localhost and the KV transfer fails with nothing in the engine logs";
    }
    if (value.name === 'VLLM_NIXL_SIDE_CHANNEL_PORT') return 'a fixed side-channel port, so it can be declared on the container';
    if (value.name === 'VLLM_EC_SIDE_CHANNEL_HOST') return 'prefill fetches the encoder output from the address the encode engine announces; without it that is localhost and prefill asks itself';
    if (value.name === 'VLLM_EC_SIDE_CHANNEL_PORT') return 'a fixed encoder-cache side-channel port, so it can be declared on the container';
    return 'NIXL plumbing';
  }
  if (last === 'ports' && op.note.includes('EC side channel')) return 'the encoder-cache side channel prefill connects to for the encoder output';
  if (last === 'ports') return 'the NIXL side channel the other engine connects to for the KV handshake';
  if (last === 'volumes') return "backs /dev/shm with memory: the container runtime's 64Mi default breaks NCCL/UCX shared memory as soon as TP > 1";
  if (last === 'volumeMounts') return 'mounts that volume where the engine and NIXL expect shared memory';
  if ((last === 'initContainers' || last === 'containers') && plan.pair.sidecar?.injected) {
    return `routes each request the EPP sends to this pod: first to the prefill pod the EPP picked, then to the decode engine on port ${plan.pair.sidecar.targetPort}`;
  }
  return op.note;
}

function whyGenerated(object: KObject, plan: Plan): string {
  switch (object.kind) {
    case 'InferencePool':
      return "the Gateway's backend: the engine pods that serve and the EPP that picks among them";
    case 'ConfigMap':
      return plan.epp.generated
        ? `the EPP config (key ${plan.epp.key}), written for router ${plan.pair.version}`
        : `the EPP config (key ${plan.epp.key}): your spec.epp.config, as written`;
    case 'Deployment':
      return 'the EndpointPicker (EPP), which scores pods and decides per request whether to disaggregate';
    case 'Service':
      return 'the EPP gRPC (ext-proc) endpoint the InferencePool points the Gateway at';
    case 'ServiceAccount':
    case 'Role':
    case 'RoleBinding':
      return 'lets the EPP watch the pods and the InferencePool';
    case 'HTTPRoute':
      return 'sends the Gateway\'s traffic to the InferencePool';
    default:
      return 'part of the routing stack';
  }
}

