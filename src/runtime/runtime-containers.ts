import { EnvValue, ImagePullPolicy } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkInteger, fail } from '../internal/errors';
import { ContainerSecurityContext, EnvVar } from '../internal/k8s';
import { checkDns1123Label, checkImage } from '../internal/names';
import { ModelContainer, ModelResources } from '../model/components';
import { checkNoPlainContainerEnv, checkRecord, resolveResources } from '../model/model-spec';
import { resourcesJson } from '../platforms/pod';
import { resolveEnvValues } from '../security/env-values';

/**
 * A container that runs beside the model server in every pod of a runtime
 * (a sidecar: a metrics exporter, a proxy, a model warmer). It talks to the
 * server over localhost and opens no port of its own: Knative routes to one
 * port per pod, the server's.
 */
export interface RuntimeSidecar {
  /**
   * The container name (a DNS label), unique in the pod. Names that KServe
   * and Knative give their own containers are refused.
   */
  readonly name: string;

  /** The image, pinned to a tag (not `latest`) or a digest. */
  readonly image: string;

  /**
   * Entrypoint override.
   *
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * Arguments.
   *
   * @default - none
   */
  readonly args?: string[];

  /**
   * Environment variables as cdk8s-plus `EnvValue`s: plain values
   * (`EnvValue.fromValue`), Secrets (`EnvValue.fromSecretValue`), ConfigMaps,
   * field references. Literals that look like credentials are refused.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * CPU and memory.
   *
   * @default - 1 CPU and 2 GiB requested, 2 GiB memory limit
   */
  readonly resources?: ModelResources;

  /**
   * When the kubelet pulls the image.
   *
   * @default - Kubernetes' default (IfNotPresent for a pinned tag or digest)
   */
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** The model server's container name: KServe merges the InferenceService's predictor into the runtime container of this name. */
export const SERVER_CONTAINER_NAME = 'kserve-container';

/**
 * Container names KServe and Knative give the containers they add to a
 * model's pod (kserve pkg/constants/constants.go: `InferenceServiceContainerName`,
 * `StorageInitializerContainerName`, `AgentContainerName`, `TransformerContainerName`,
 * `WorkerContainerName`, `QueueProxyContainerName`, `ModelcarContainerName`,
 * `ModelcarInitContainerName`): a sidecar of the same name would be merged
 * into, or clash with, theirs.
 */
export const RESERVED_CONTAINER_NAMES: readonly string[] = [
  SERVER_CONTAINER_NAME, 'storage-initializer', 'agent', 'transformer-container', 'worker-container', 'queue-proxy', 'modelcar', 'modelcar-init',
];

/**
 * Environment variables KServe v0.20's runtime webhook refuses in any
 * runtime container "for security reasons" (pkg/validation/env_policy.go,
 * `DefaultBlockedEnvVars`, checked by servingruntime_webhook.go
 * `validateBlockedEnvVars`).
 */
export const BLOCKED_RUNTIME_ENV: readonly string[] = ['PYTHONPATH'];

/** What every container of a runtime shares: its security context and the scratch mount. */
export interface RuntimeContainerContext {
  readonly securityContext: ContainerSecurityContext | Record<string, unknown>;
  readonly scratch?: { readonly volumeName: string; readonly mountPath: string };
  readonly imagePullPolicy?: ImagePullPolicy;
}

/** The ports of the server container, named so that Knative and KServe route them. */
export function serverPorts(
  scope: IConstruct, container: ModelContainer, grpcPort: number | undefined, rest: boolean, grpc: boolean,
): Array<Record<string, unknown>> {
  const port = container.port ?? 8080;
  if (grpcPort === undefined) {
    // A runtime that speaks only gRPC serves HTTP/2: in Knative mode its port must be named h2c
    // (knative serving pkg/apis/serving/k8s_validation.go, validateContainerPorts).
    return [grpc && !rest ? { name: 'h2c', containerPort: port, protocol: 'TCP' } : { containerPort: port, protocol: 'TCP' }];
  }
  checkInteger(scope, 'grpcPort', grpcPort, 1, 65535);
  if (!grpc) fail(scope, 'grpcPort', grpcPort, 'is set, but no protocol in protocols is gRPC', 'add InferenceProtocol.GRPC_V2 (or GRPC_V1) to protocols, or drop grpcPort');
  if (!rest) {
    fail(scope, 'grpcPort', grpcPort, 'is set, but the runtime speaks only gRPC', 'give the gRPC port as container.port (named h2c), or add a REST protocol to protocols');
  }
  if (grpcPort === port) fail(scope, 'grpcPort', grpcPort, `is the REST port (container.port ${port})`, 'serve gRPC and REST on different ports');
  // REST first: KServe's Standard-mode Service sends port 80 to the first port
  // and gives each further port its own Service port; a port named h2c (or
  // grpc) gets `appProtocol: kubernetes.io/h2c` (kserve
  // pkg/controller/v1beta1/inferenceservice/reconcilers/service/service_reconciler.go,
  // createService / getAppProtocol). A Service with two ports needs both named.
  return [
    { name: 'http1', containerPort: port, protocol: 'TCP' },
    { name: 'h2c', containerPort: grpcPort, protocol: 'TCP' },
  ];
}

/**
 * The env of one runtime container (`envVariables`), sorted by name, with no
 * blocked name; `defaults` (e.g. HOME on a scratch directory) apply to the
 * names the user leaves unset.
 */
export function runtimeEnv(
  scope: IConstruct, prop: string, values: Record<string, EnvValue> | undefined, defaults: Record<string, string> = {},
): EnvVar[] {
  checkRecord(scope, prop, values);
  const user = resolveEnvValues(scope, values, prop);
  const env = [...user, ...Object.keys(defaults).filter((n) => !user.some((e) => e.name === n)).map((name) => ({ name, value: defaults[name] }))];
  for (const v of user) {
    if (BLOCKED_RUNTIME_ENV.includes(v.name)) {
      fail(scope, `${prop}["${v.name}"]`, '<not shown>', 'is refused by KServe\'s runtime webhook (servingruntime_webhook.go, validateBlockedEnvVars)',
        'install Python packages into the image instead of pointing PYTHONPATH elsewhere');
    }
  }
  return env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The sidecar containers of a runtime, checked and rendered. */
export function sidecarContainers(
  scope: IConstruct, sidecars: RuntimeSidecar[] | undefined, ctx: RuntimeContainerContext,
): Array<Record<string, unknown>> {
  if (sidecars === undefined) return [];
  if (!Array.isArray(sidecars)) fail(scope, 'sidecars', sidecars, 'is not a list', 'give a list of RuntimeSidecar structs');
  return sidecars.map((s, i) => {
    const prop = `sidecars[${i}]`;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) fail(scope, prop, s, 'is not an object', 'give { name, image, ... }');
    if (typeof s.name !== 'string') fail(scope, `${prop}.name`, s.name, 'is missing or not a string', 'name the container, e.g. "metrics-exporter"');
    checkDns1123Label(scope, `${prop}.name`, s.name);
    if (RESERVED_CONTAINER_NAMES.includes(s.name)) {
      fail(scope, `${prop}.name`, s.name, 'is the name of a container KServe or Knative adds to the pod', `use another name (reserved: ${RESERVED_CONTAINER_NAMES.join(', ')})`);
    }
    const dup = sidecars.findIndex((o) => o?.name === s.name);
    if (dup !== i) fail(scope, `${prop}.name`, s.name, `is also the name of sidecars[${dup}]`, 'give each container its own name');
    checkImage(scope, `${prop}.image`, s.image);
    checkPinned(scope, `${prop}.image`, s.image);
    checkPullPolicy(scope, `${prop}.imagePullPolicy`, s.imagePullPolicy);
    for (const k of ['command', 'args'] as const) {
      const list = s[k];
      if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) fail(scope, `${prop}.${k}`, list, 'is not a list of strings', 'use a list of strings');
    }
    checkNoPlainContainerEnv(scope, prop, s);
    const env = runtimeEnv(scope, `${prop}.envVariables`, s.envVariables);
    return {
      name: s.name,
      image: s.image,
      imagePullPolicy: s.imagePullPolicy,
      command: s.command?.length ? [...s.command] : undefined,
      args: s.args?.length ? [...s.args] : undefined,
      env: env.length ? env : undefined,
      resources: resourcesJson(resolveResources(scope, `${prop}.resources`, s.resources)),
      // Sidecars get the server's lock-down: the pod is only as restricted as its weakest container.
      securityContext: ctx.securityContext,
      volumeMounts: ctx.scratch ? [{ name: ctx.scratch.volumeName, mountPath: ctx.scratch.mountPath }] : undefined,
    };
  });
}

/** A tag other than `latest`, or a digest. */
export function checkPinned(scope: IConstruct, prop: string, image: string): void {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (!tag || tag === 'latest') {
    fail(scope, prop, image, tag ? 'uses the moving "latest" tag' : 'has no tag',
      'pin the server with a version tag (image:1.2.3) or a digest (image@sha256:...)');
  }
}

/** One of cdk8s-plus' `ImagePullPolicy` values. */
export function checkPullPolicy(scope: IConstruct, prop: string, policy: unknown): void {
  if (policy !== undefined && !(Object.values(ImagePullPolicy) as unknown[]).includes(policy)) {
    fail(scope, prop, policy, 'is not an ImagePullPolicy', 'use ImagePullPolicy.IF_NOT_PRESENT, ALWAYS or NEVER from cdk8s-plus-28');
  }
}
