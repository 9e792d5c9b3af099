// The objects that put an EPP in front of the engines: InferencePool, the EPP's ConfigMap, Deployment, Service and
// RBAC, and optionally an HTTPRoute from a Gateway to the pool.
import { isPlainObject, type KObject } from '../types.js';
import { routerTable } from './table.js';
import type { RoutingStackInput } from './types.js';

/** The label every generated object carries: how a later run tells its own objects from the user's. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'pd-disagg';
/** Did pd-disagg generate this object (it carries the label above)? Anything else is the user's. */
export function isManagedByUs(object: KObject | undefined): boolean {
  const labels: unknown = object?.metadata?.labels;
  return isPlainObject(labels) && labels[MANAGED_BY_LABEL] === MANAGED_BY;
}
const CONFIG_CHECKSUM_ANNOTATION = 'pd-disagg.dev/epp-config-checksum';
export const CONFIG_MOUNT_PATH = '/config';
/** The key of the EPP's ConfigMap that holds its config (mounted at CONFIG_MOUNT_PATH, named by --config-file). */
export const EPP_CONFIG_KEY = 'epp-config.yaml';
/** llm-d-router chart default (config/charts/llm-d-router-gateway values httpRoute.requestTimeout) */
export const DEFAULT_ROUTE_TIMEOUT = '300s';

export function eppName(name: string): string {
  return `${name}-epp`;
}

/**
 * The name of the EPP's ClusterRole and ClusterRoleBinding (metrics auth). Cluster-scoped, so it carries the namespace
 * when the items have one: `pd-disagg:<namespace>:<name>-epp`. RBAC names may hold ':' (as `system:` roles do) and
 * namespaces and pd-disagg names may not, so two pairs, or one pair in two namespaces, never share it. Without a
 * namespace it is `pd-disagg:<name>-epp` (see metricsAuthSubjectNamespace).
 */
export function clusterRbacName(name: string, namespace: string | undefined): string {
  return namespace !== undefined ? `pd-disagg:${namespace}:${eppName(name)}` : `pd-disagg:${eppName(name)}`;
}

/**
 * The ClusterRoleBinding's subject namespace when the items carry none: `default`, where a namespace-less manifest
 * lands, and a value both namespace tools move: kpt's set-namespace rewrites a subject's namespace only when it is
 * there (kpt-functions-catalog set-namespace/v0.4.1 transformer/namespace.go), and kustomize's name-reference pass
 * sets it from the ServiceAccount's namespace (kustomize api v0.21 filters/nameref setMapping); a ClusterRoleBinding
 * subject of kind ServiceAccount without one is refused by the API server.
 */
export const UNKNOWN_NAMESPACE_SUBJECT = 'default';

/** How many ports an InferencePool may target: spec.targetPorts has +kubebuilder:validation:MaxItems=8 in
 * gateway-api-inference-extension v1.5.0 api/v1/inferencepool_types.go (the API server refuses a ninth). */
export const POOL_TARGET_PORTS_MAX = 8;

export function buildRoutingStack(input: RoutingStackInput): KObject[] {
  const table = routerTable(input.version);
  const { name, namespace } = input;
  if (!Number.isInteger(input.targetPort) || input.targetPort < 1 || input.targetPort > 65535) {
    throw new RangeError(`RoutingStackInput.targetPort must be a TCP port, got ${input.targetPort}`);
  }
  const count = input.targetPortCount ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > POOL_TARGET_PORTS_MAX || input.targetPort + count - 1 > 65535) {
    throw new RangeError(`RoutingStackInput.targetPortCount must be 1 to ${POOL_TARGET_PORTS_MAX} ports from targetPort, got ${count}`);
  }
  if (Object.keys(input.poolSelector).length === 0) {
    throw new RangeError('RoutingStackInput.poolSelector must have at least one label');
  }
  const epp = eppName(name);
  const labels = { [MANAGED_BY_LABEL]: MANAGED_BY, 'app.kubernetes.io/part-of': name };
  const eppSelector = { 'app.kubernetes.io/name': epp, 'app.kubernetes.io/component': 'endpoint-picker' };
  const eppLabels = { ...labels, ...eppSelector };
  const meta = (objName: string, extra: Record<string, string> = labels): KObject => ({
    name: objName,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...extra },
  });
  const { grpc, grpcHealth, metrics } = table.epp.ports;
  const nsEnv = table.epp.namespaceEnv;

  const pool: KObject = {
    apiVersion: 'inference.networking.k8s.io/v1',
    kind: 'InferencePool',
    metadata: meta(name),
    spec: {
      selector: { matchLabels: { ...input.poolSelector } },
      targetPorts: Array.from({ length: count }, (_, rank) => ({ number: input.targetPort + rank })),
      endpointPickerRef: {
        group: '',
        kind: 'Service',
        name: epp,
        port: { number: grpc },
        failureMode: 'FailOpen',
      },
    },
  };

  const configMap: KObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(input.configMapName, eppLabels),
    data: { [input.configKey]: input.configText },
  };

  const healthProbe = (extra: KObject): KObject => ({
    grpc: { port: grpcHealth, service: table.epp.healthService },
    ...extra,
  });

  const deployment: KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(epp, eppLabels),
    spec: {
      replicas: 1,
      // one EPP at a time: two would each keep their own prefix index
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { ...eppSelector } },
      template: {
        metadata: {
          labels: { ...eppLabels },
          annotations: { [CONFIG_CHECKSUM_ANNOTATION]: input.configChecksum },
        },
        spec: {
          serviceAccountName: epp,
          terminationGracePeriodSeconds: 130,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'epp',
              image: `${table.images.epp}:${table.images.tag}`,
              imagePullPolicy: 'IfNotPresent',
              args: [
                `--pool-name=${name}`,
                // the downward API keeps this right when kustomize or kpt move the package to another namespace
                `--pool-namespace=$(${nsEnv})`,
                `--pool-group=${table.epp.poolGroup}`,
                `--config-file=${CONFIG_MOUNT_PATH}/${input.configKey}`,
                `--grpc-port=${grpc}`,
                `--grpc-health-port=${grpcHealth}`,
                `--metrics-port=${metrics}`,
                ...(table.epp.metricsAuth && input.metricsAuth === false ? [`--${table.epp.metricsAuth.flag}=false`] : []),
                // alpha plugins (v0.10.0: cmd/epp/runner/runner.go registers them with StabilityAlpha) load only with it
                ...(input.allowExperimentalPlugins && table.epp.experimentalPluginsFlag ? [`--${table.epp.experimentalPluginsFlag}`] : []),
              ],
              env: [
                { name: nsEnv, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [
                { name: 'grpc', containerPort: grpc, protocol: 'TCP' },
                { name: 'grpc-health', containerPort: grpcHealth, protocol: 'TCP' },
                { name: 'metrics', containerPort: metrics, protocol: 'TCP' },
              ],
              livenessProbe: healthProbe({ initialDelaySeconds: 5, periodSeconds: 10 }),
              readinessProbe: healthProbe({ periodSeconds: 2 }),
              securityContext: {
                allowPrivilegeEscalation: false,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'epp-config', mountPath: CONFIG_MOUNT_PATH, readOnly: true }],
            },
          ],
          volumes: [{ name: 'epp-config', configMap: { name: input.configMapName } }],
        },
      },
    },
  };

  const service: KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(epp, eppLabels),
    spec: {
      type: 'ClusterIP',
      selector: { ...eppSelector },
      ports: [
        { name: 'grpc-ext-proc', port: grpc, targetPort: grpc, protocol: 'TCP', appProtocol: 'http2' },
        { name: 'grpc-health', port: grpcHealth, targetPort: grpcHealth, protocol: 'TCP' },
        { name: 'http-metrics', port: metrics, targetPort: metrics, protocol: 'TCP' },
      ],
    },
  };

  const serviceAccount: KObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(epp, eppLabels) };

  const read = ['get', 'list', 'watch'];
  const role: KObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: meta(epp, eppLabels),
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: read },
      ...table.epp.watches.map((w) => ({ apiGroups: [w.apiGroup], resources: [...w.resources], verbs: read })),
    ],
  };

  const roleBinding: KObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(epp, eppLabels),
    subjects: [{ kind: 'ServiceAccount', name: epp, ...(namespace !== undefined ? { namespace } : {}) }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: epp },
  };

  const objects = [pool, configMap, serviceAccount, role, roleBinding, deployment, service];
  const auth = table.epp.metricsAuth;
  if (auth && (input.metricsAuth ?? auth.defaultOn)) {
    // cluster-scoped: no namespace, and a name that carries it (clusterRbacName)
    const clusterName = clusterRbacName(name, namespace);
    const clusterMeta: KObject = { name: clusterName, labels: { ...eppLabels } };
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: clusterMeta,
        rules: auth.clusterRules.map((r) => structuredClone({ ...r })),
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: structuredClone(clusterMeta),
        subjects: [{ kind: 'ServiceAccount', name: epp, namespace: namespace ?? UNKNOWN_NAMESPACE_SUBJECT }],
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
      },
    );
  }
  if (input.gateway) {
    const parentRef: KObject = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: input.gateway.name };
    if (input.gateway.namespace !== undefined) parentRef.namespace = input.gateway.namespace;
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: meta(name),
      spec: {
        parentRefs: [parentRef],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name }],
            timeouts: { request: input.gateway.requestTimeout ?? DEFAULT_ROUTE_TIMEOUT },
          },
        ],
      },
    });
  }
  return objects;
}
