// Pair rules about the workloads and pods around the engines: namespace, role labels, /dev/shm, the engine's
// environment and identity.

import { envValue, flagBool, flagValue } from '../../engines/index.js';
import { SHM_MOUNT_PATH } from '../../plan/nixl.js';
import { isPlainObject } from '../../types.js';
import type { PairContext, StageSide } from '../context.js';
import { defineRule, type Finding, type Rule } from '../registry.js';
import { ROLE_LABEL } from '../../router/types.js';
import { at, connectorsOf, mountAt, parseQuantity, sides } from './helpers.js';

const ALLOC_ENVS = ['PYTORCH_CUDA_ALLOC_CONF', 'PYTORCH_ALLOC_CONF'];

/** The engine container's mount at /dev/shm itself (not one above it) and the pod volume behind it. */
function shmMount(side: StageSide) {
  const m = mountAt(side, SHM_MOUNT_PATH);
  return m && String(m.mount.mountPath).replace(/\/+$/, '') === SHM_MOUNT_PATH ? m : undefined;
}

const human = (bytes: number) => (bytes >= 2 ** 30 ? `${+(bytes / 2 ** 30).toFixed(2)}Gi` : `${+(bytes / 2 ** 20).toFixed(1)}Mi`);

export const podRules: Rule<PairContext>[] = [
  defineRule<PairContext>({
    id: 'namespace-mismatch',
    scope: 'pair',
    severity: 'error',
    summary: 'the prefill and decode workloads are in different namespaces',
    fix: 'put both workloads in one namespace (the InferencePool and EPP select pods in their own namespace only)',
    field: 'metadata.namespace',
    check(ctx) {
      const p = ctx.prefill.resource.namespace ?? '';
      const d = ctx.decode.resource.namespace ?? '';
      if (p === d) return [];
      const show = (ns: string) => (ns ? `namespace ${ns}` : 'no namespace (it lands in whatever namespace it is applied to)');
      return [
        {
          message:
            `the prefill workload has ${show(p)} and the decode workload ${show(d)}; the InferencePool, the EPP and its generated objects live in the decode ` +
            `namespace and select pods there only, so prefill pods would never be picked; set metadata.namespace: ${d || p} on both`,
          resource: ctx.prefill.resource,
          path: 'metadata.namespace',
          currentValue: p || undefined,
          proposedValue: d || p,
        },
      ];
    },
  }),
  defineRule<PairContext>({
    id: 'role-label-conflict',
    scope: 'pair',
    severity: 'error',
    summary: `a pod template's ${ROLE_LABEL} label contradicts the role the workload plays`,
    fix: `set ${ROLE_LABEL} to prefill on the prefill pod template and decode on the decode one, or fix spec.prefill/spec.decode`,
    field: `pod template metadata.labels[${ROLE_LABEL}]`,
    check(ctx) {
      return sides(ctx).flatMap((s) => {
        const label = s.template.metadata?.labels?.[ROLE_LABEL];
        if (label === undefined || label === s.role) return [];
        return [
          {
            message:
              `${s.resource.kind}/${s.resource.name} plays ${s.role}, but its pod template is labelled ${ROLE_LABEL}: ${String(label)}; ` +
              `the EPP filters pods by this label, so set it to ${s.role}`,
            resource: s.resource,
            path: `${s.templatePath}.metadata.labels.${ROLE_LABEL}`,
            currentValue: label,
            proposedValue: s.role,
          },
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'shm-not-memory',
    scope: 'pair',
    severity: 'error',
    summary: '/dev/shm of a TP×PP > 1 engine is not a Memory-backed emptyDir',
    fix: 'back the /dev/shm mount with emptyDir: {medium: Memory, sizeLimit: …} (or remove the mount and let pd-disagg add one)',
    field: 'pod template spec.volumes (the volume mounted at /dev/shm)',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const ranks = s.engine.tensorParallel.value * s.engine.pipelineParallel.value;
        if (ranks <= 1) return [];
        const shm = shmMount(s);
        if (!shm) return []; // none planned: the plan adds a Memory emptyDir to every engine pod without one
        const v = shm.volume;
        if (isPlainObject(v?.emptyDir) && v.emptyDir.medium === 'Memory') return [];
        if (isPlainObject(v?.hostPath) && v.hostPath.path === SHM_MOUNT_PATH) return [];
        // a volume with no source is an emptyDir on node disk: the API server defaults it so (k8s.io/kubernetes
        // v1.32.0 pkg/apis/core/v1/defaults.go SetDefaults_Volume)
        const sources = v ? Object.keys(v).filter((k) => k !== 'name') : [];
        const what = !v
          ? `names volume ${String(shm.mount.name)}, which the pod does not define`
          : isPlainObject(v.emptyDir) || sources.length === 0
            ? `is an emptyDir without medium: Memory, i.e. node disk, not tmpfs`
            : `is a ${sources.join('/')} volume, not tmpfs`;
        return [
          {
            message:
              `the ${s.role} engine runs ${ranks} ranks (TP×PP) and its ${SHM_MOUNT_PATH} mount ${what}; NCCL and vLLM's worker message queues need POSIX ` +
              'shared memory there and fail with "Error while creating shared memory segment" or a bus error (production-stack#276); ' +
              'use emptyDir: {medium: Memory}',
            resource: s.resource,
            path: v ? `${s.templatePath}.spec.volumes[${shm.volumeIndex}]` : `${s.containerPath}.volumeMounts[${shm.index}].name`,
            currentValue: v ? undefined : shm.mount.name,
            proposedValue: { name: String(shm.mount.name), emptyDir: { medium: 'Memory' } },
          },
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'shm-size-over-memory-limit',
    scope: 'pair',
    severity: 'warning',
    summary: "the /dev/shm emptyDir's sizeLimit is larger than the engine container's memory limit",
    fix: 'keep sizeLimit at or below limits.memory (tmpfs pages count against it), or raise the memory limit',
    field: 'pod template spec.volumes[…].emptyDir.sizeLimit',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        const shm = shmMount(s);
        const size = shm?.volume?.emptyDir?.sizeLimit;
        const limit = s.container.resources?.limits?.memory;
        const sizeBytes = parseQuantity(size);
        const limitBytes = parseQuantity(limit);
        if (!shm || sizeBytes === undefined || limitBytes === undefined || sizeBytes <= limitBytes) return [];
        return [
          {
            message:
              `the ${s.role} engine's ${SHM_MOUNT_PATH} sizeLimit ${String(size)} is above its memory limit ${String(limit)}; files in a Memory emptyDir count ` +
              `against the container's memory, so the kernel OOM-kills the engine before the tmpfs is full; lower sizeLimit to ${human(limitBytes / 2)} or so, ` +
              'leaving room for the engine itself, or raise limits.memory',
            resource: s.resource,
            path: `${s.templatePath}.spec.volumes[${shm.volumeIndex}].emptyDir.sizeLimit`,
            currentValue: size,
            proposedValue: limit,
          },
        ];
      });
    },
  }),
  defineRule<PairContext>({
    id: 'expandable-segments-with-kv-connector',
    scope: 'pair',
    severity: 'error',
    summary: 'PYTORCH_CUDA_ALLOC_CONF has expandable_segments:True on an engine with a KV connector',
    fix: 'drop expandable_segments:True from PYTORCH_CUDA_ALLOC_CONF on P/D engines (or add --enable-cumem-allocator on vLLM that supports it)',
    field: 'engine container env: PYTORCH_CUDA_ALLOC_CONF',
    check(ctx) {
      return sides(ctx).flatMap((s): Finding[] => {
        if (s.engine.kind !== 'vllm' || connectorsOf(s.engine).length === 0) return [];
        if (flagBool(s.engine, '--enable-cumem-allocator') === true || flagValue(s.engine, '--enable-cumem-allocator') !== undefined) return [];
        return ALLOC_ENVS.flatMap((name): Finding[] => {
          const value = envValue(s.engine, name);
          if (value === undefined || !/expandable_segments\s*:\s*true/i.test(value)) return [];
          const proposed = value
            .split(',')
            .filter((part) => !/^\s*expandable_segments\s*:/i.test(part))
            .join(',');
          return [
            at(
              s,
              `${s.engine.env[name]!.path}.value`,
              `the ${s.role} engine sets ${name}=${value} with a KV connector; recent vLLM refuses to start ("incompatible with ` +
                'PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True"), and older versions register KV memory that the allocator can remap under NIXL; ' +
                'remove expandable_segments:True',
              { currentValue: value, proposedValue: proposed },
            ),
          ];
        });
      });
    },
  }),
  defineRule<PairContext>({
    id: 'engine-id-shared',
    scope: 'pair',
    severity: 'error',
    summary: 'an explicit kv-transfer-config engine_id shared by several engines (replicas > 1, or the same id on both sides)',
    fix: 'remove engine_id from --kv-transfer-config: vLLM then gives every engine a unique id',
    field: 'engine container args: --kv-transfer-config engine_id',
    check(ctx) {
      const ids = (s: (typeof ctx)['prefill']) =>
        [s.engine.kvTransferConfig?.value, ...connectorsOf(s.engine)].map((c) => c?.engine_id).filter((x): x is string => typeof x === 'string');
      const out: Finding[] = [];
      for (const s of sides(ctx)) {
        const mine = ids(s);
        if (mine.length === 0) continue;
        // an id both sides share is reported once, on decode (on the prefill side `shared` is never read)
        const shared = ids(ctx.prefill).filter((id) => mine.includes(id));
        if (s.replicas <= 1 && (shared.length === 0 || s.role === 'prefill')) continue;
        const why =
          s.replicas > 1
            ? `every one of its ${s.replicas} replicas gets the same id`
            : `the prefill engine uses the same id (${shared[0]})`;
        out.push(
          at(
            s,
            s.engine.kvTransferConfig!.path,
            `the ${s.role} engine sets engine_id ${JSON.stringify(mine[0])} in --kv-transfer-config, and ${why}; decode keys NIXL handshakes and ` +
              'remote agents by engine id, so transfers go to the wrong engine or fail; remove engine_id',
            { currentValue: mine[0] },
          ),
        );
      }
      return out;
    },
  }),
  defineRule<PairContext>({
    id: 'engine-image-mismatch',
    scope: 'pair',
    severity: 'warning',
    summary: 'prefill and decode run different engine images or tags',
    fix: 'run the same engine image (repository and tag or digest) on both sides',
    field: 'engine container image',
    check(ctx) {
      const norm = (image: unknown) =>
        typeof image === 'string' ? image.trim().replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '') : undefined;
      const p = norm(ctx.prefill.container.image);
      const d = norm(ctx.decode.container.image);
      if (p === undefined || d === undefined || p === d) return [];
      return [
        at(
          ctx.decode,
          'image',
          `prefill runs ${String(ctx.prefill.container.image)} and decode ${String(ctx.decode.container.image)}: KV transfer works only when both ends ` +
            'run compatible engine and NIXL versions (vLLM hashes its version and the KV layout into the NIXL handshake), so a different image or tag ' +
            'may fail the first transfer or silently fall back; run the same image on both',
          { currentValue: ctx.decode.container.image, proposedValue: ctx.prefill.container.image },
        ),
      ];
    },
  }),
];
