import { ApiObject, Size } from 'cdk8s';
import { ImagePullPolicy, ISecret } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { checkPinned, checkPullPolicy, RuntimeSidecar, runtimeEnv, SERVER_CONTAINER_NAME, serverPorts, sidecarContainers } from './runtime-containers';
import { ImportedServingRuntime, IServingRuntime, SupportedModelFormat } from './runtime-ref';
import { withoutNamespace } from '../internal/cluster-scoped';
import { checkInteger, fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { compact, sortedRecord } from '../internal/k8s';
import { chartNamespace, standardLabels } from '../internal/labels';
import { checkAnnotations, checkImage, checkDns1123Label, checkDns1123Subdomain, checkLabels, nameFromId } from '../internal/names';
import { checkProps, PropType } from '../internal/prop-types';
import { mebibytesOf } from '../internal/units';
import { ModelContainer } from '../model/components';
import { ModelFormat } from '../model/format';
import { checkNoPlainContainerEnv, memoryQuantity, RESTRICTED_CONTAINER_SECURITY, resolveResources } from '../model/model-spec';
import { InferenceProtocol } from '../model/protocol';
import { ServedModel } from '../model/served-model';
import { resourcesJson, placementFields } from '../platforms/pod';
import { placementKnativeFlags, setRuntimeKnativeFlags } from '../scheduling/knative-flags';
import { GpuNodePool } from '../scheduling/node-pool';
import { emptyPlacement } from '../scheduling/placement';
import { PodSecurity, ResolvedPodSecurity, SECURITY_OPT_OUT_ANNOTATION } from '../security/pod-security';

export const RUNTIME_API_VERSION = 'serving.kserve.io/v1alpha1';

/** Props shared by {@link ServingRuntime} and {@link ClusterServingRuntime}. */
export interface ServingRuntimeBaseProps {
  /** The model formats the runtime serves; at least one. */
  readonly supportedFormats: SupportedModelFormat[];

  /**
   * The model server container. The image must be pinned to a tag (not
   * `latest`) or a digest: production runs exactly the server the model was
   * validated with. Its environment (a credential such as `HF_TOKEN` from a
   * Secret, plain values with `EnvValue.fromValue`) is `container.envVariables`;
   * `PYTHONPATH` is refused, as KServe's runtime webhook does.
   */
  readonly container: ModelContainer;

  /**
   * Inference protocols the server speaks.
   *
   * @default [InferenceProtocol.V1] (KServe's default for runtimes that list none is "any", which hides mistakes)
   */
  readonly protocols?: InferenceProtocol[];

  /**
   * Whether the runtime serves many models per pod (ModelMesh).
   *
   * @default false
   */
  readonly multiModel?: boolean;

  /**
   * Disable the runtime: KServe neither auto-selects it nor lets models name it.
   *
   * @default false
   */
  readonly disabled?: boolean;

  /**
   * The node pool the runtime's pods run on.
   *
   * @default - any node
   */
  readonly nodePool?: GpuNodePool;

  /**
   * The resource name.
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * Extra labels for the resource.
   *
   * @default - the standard app.kubernetes.io labels only
   */
  readonly labels?: Record<string, string>;

  /**
   * Annotations KServe adds to every pod of the runtime (e.g. Prometheus scraping).
   *
   * @default - none
   */
  readonly podAnnotations?: Record<string, string>;

  /**
   * How the runtime's server container is locked down, e.g.
   * `PodSecurity.restricted({ runAsUser: 1000 })` for an image whose user is
   * root or not numeric (the kubelet refuses `runAsNonRoot` without a numeric
   * user). A read-only root filesystem gets a writable `emptyDir` at `/tmp`
   * (and `HOME=/tmp`). Written on the container: ServingRuntimeSpec has no
   * pod-level securityContext.
   *
   * @default - the restricted profile without a user id or read-only root filesystem (the image's user, which must not be root)
   */
  readonly podSecurity?: PodSecurity;

  /**
   * The port the server speaks gRPC on, beside REST on `container.port`
   * (Triton's `--grpc-port`, MLServer's `MLSERVER_GRPC_PORT`). The server
   * container then opens both: REST named `http1` (first: KServe's Service
   * sends port 80 there) and gRPC named `h2c` (Knative and KServe route
   * HTTP/2 by that name). Needs a REST and a gRPC protocol in `protocols`.
   * Knative routes to one port per pod, so models on such a runtime must run
   * in KServe Standard mode (`ServingPlatform.kserveStandard()`).
   *
   * @default - one port, `container.port`, named `h2c` when the runtime speaks only gRPC
   */
  readonly grpcPort?: number;

  /**
   * When the kubelet pulls the server image.
   *
   * @default - Kubernetes' default (IfNotPresent for a pinned tag or digest)
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * Secrets with registry credentials for the runtime's images (in the
   * namespace of the models that use it); `Secret.fromSecretName(...)` from
   * cdk8s-plus for one that exists already.
   *
   * @default - none (public images, or credentials on the nodes or the service account)
   */
  readonly imagePullSecrets?: ISecret[];

  /**
   * Containers that run beside the model server in every pod of the runtime.
   * They get the server's security context (restricted by default) and open
   * no port of their own.
   *
   * @default - none
   */
  readonly sidecars?: RuntimeSidecar[];

  /**
   * Labels KServe adds to every pod of the runtime (e.g. for a PodMonitor or
   * a NetworkPolicy selecting the runtime's pods).
   *
   * @default - none
   */
  readonly podLabels?: Record<string, string>;

  /**
   * A memory-backed `/dev/shm` of this size for the server (an `emptyDir`
   * with `medium: Memory`), as KServe's Hugging Face runtime mounts for vLLM
   * and PyTorch workers that share tensors between processes. It counts
   * against the container's memory, so it must stay below the memory limit.
   *
   * @default - none (the container runtime's 64 MiB /dev/shm)
   */
  readonly sharedMemory?: Size;
}

/** Props of a {@link ServingRuntime}. */
export interface ServingRuntimeProps extends ServingRuntimeBaseProps {
  /**
   * The namespace; ServedModels that use the runtime must be in it.
   *
   * @default - the chart's namespace, else none: kubectl's current namespace at apply time
   */
  readonly namespace?: string;
}

/** Props of a {@link ClusterServingRuntime}. */
export interface ClusterServingRuntimeProps extends ServingRuntimeBaseProps {}

/** Common implementation of both runtime kinds. */
abstract class ServingRuntimeBase extends Construct implements IServingRuntime {
  public readonly runtimeName: string;
  public readonly clusterScoped: boolean;
  public readonly runtimeNamespace?: string;
  public readonly supportedFormats: SupportedModelFormat[];
  public readonly protocols: InferenceProtocol[];
  public readonly multiModel: boolean;
  public readonly disabled: boolean;
  public readonly grpcPort?: number;
  /** The ServingRuntime or ClusterServingRuntime document (escape hatch). */
  public readonly apiObject: ApiObject;
  /** How many ports the server container opens (2 with a grpcPort). */
  private readonly servingPorts: number;

  protected constructor(scope: Construct, id: string, kind: string, props: ServingRuntimeBaseProps, namespace: string | undefined) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, runtimePropTypes(), ['supportedFormats', 'container'], `${kind}Props, e.g. { supportedFormats, container }`);
    if (kind === 'ClusterServingRuntime' && (props as { namespace?: unknown }).namespace !== undefined) {
      fail(this, 'namespace', (props as { namespace?: unknown }).namespace, 'is set on a cluster-scoped runtime, which has no namespace', 'use a ServingRuntime for a namespace');
    }
    // Plain JavaScript (or a spread) may still pass the runtime-level env prop replaced before 1.0 (README "Changes").
    if ((props as { envVariables?: unknown }).envVariables !== undefined) {
      fail(this, 'envVariables', '<set>', 'was replaced by container.envVariables', 'give the server container\'s env in container.envVariables');
    }
    this.clusterScoped = kind === 'ClusterServingRuntime';
    this.runtimeName = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.runtimeName);
    if (namespace !== undefined) checkDns1123Label(this, 'namespace', namespace);
    this.runtimeNamespace = namespace;
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'podAnnotations', props.podAnnotations);
    checkLabels(this, 'podLabels', props.podLabels);
    this.supportedFormats = checkFormats(this, props.supportedFormats);
    this.protocols = checkProtocols(this, props.protocols ?? [InferenceProtocol.V1]);
    this.multiModel = props.multiModel ?? false;
    this.disabled = props.disabled ?? false;
    this.grpcPort = props.grpcPort;
    const security = props.podSecurity?._resolve();
    // ServingRuntimeSpec has no pod securityContext: the group id goes on each container.
    const containerSecurity = security ? compact({ ...security.container, runAsGroup: security.pod.runAsGroup }) : RESTRICTED_CONTAINER_SECURITY;
    const container = resolveRuntimeContainer(this, props, containerSecurity, security?.scratch, this.protocols);
    const shm = sharedMemoryVolume(this, props);
    if (shm) container.volumeMounts = [...((container.volumeMounts as unknown[]) ?? []), { name: shm.name, mountPath: '/dev/shm' }];
    this.servingPorts = (container.ports as unknown[]).length;
    const sidecars = sidecarContainers(this, props.sidecars, { securityContext: containerSecurity, scratch: security?.scratch });
    const pullSecrets = imagePullSecrets(this, props.imagePullSecrets);
    checkPriorityClashes(this);
    const placement = props.nodePool?._resolve() ?? emptyPlacement();
    // KServe v0.20's ServingRuntimePodSpec (pkg/apis/serving/v1alpha1/servingruntime_types.go) has
    // nodeSelector, affinity and tolerations but no runtimeClassName: the API server would prune or reject it.
    if (placement.runtimeClassName !== undefined) {
      fail(this, 'nodePool.runtimeClassName', placement.runtimeClassName,
        'cannot be set on a serving runtime (KServe v0.20 ServingRuntimeSpec has no runtimeClassName)',
        'give the node pool to the ServedModels that use the runtime, or use a pool without a RuntimeClass');
    }
    // Knative-mode models that use this runtime get its placement: their pods need the flags.
    setRuntimeKnativeFlags(this, placementKnativeFlags(placement));

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: RUNTIME_API_VERSION,
      kind,
      metadata: {
        name: this.runtimeName,
        namespace,
        labels: {
          ...(props.labels ?? {}),
          // A runtime serves many models: it is part of none of them.
          ...standardLabels(this.runtimeName, 'serving-runtime'),
        },
        // An opt-out of the restricted profile stays visible to reviewers, as on a ServedModel.
        annotations: security?.optOutReason !== undefined ? { [SECURITY_OPT_OUT_ANNOTATION]: security.optOutReason } : undefined,
      },
      spec: compact({
        supportedModelFormats: this.supportedFormats.map((f) => compact({
          name: f.format.name,
          version: f.format.version,
          autoSelect: f.autoSelect,
          priority: f.priority,
        })),
        protocolVersions: this.protocols.map((p) => p.version),
        multiModel: props.multiModel,
        disabled: props.disabled,
        annotations: sortedRecord(props.podAnnotations),
        labels: sortedRecord(props.podLabels),
        ...placementFields(placement),
        imagePullSecrets: pullSecrets,
        containers: [container, ...sidecars],
        volumes: [
          ...(security?.scratch ? [{ name: security.scratch.volumeName, emptyDir: { sizeLimit: security.scratch.sizeLimit } }] : []),
          ...(shm ? [shm] : []),
        ],
      }),
    });
    if (this.clusterScoped) withoutNamespace(this.apiObject);
    if (this.servingPorts > 1) this.node.addValidation({ validate: () => this.knativeModelErrors() });
  }

  /**
   * Knative routes to a single port across all containers of a pod
   * (knative serving pkg/apis/serving/k8s_validation.go, validateContainersPorts:
   * "more than one container port is set"), and KServe copies the runtime's
   * ports into every model's pod: a model on a runtime with a REST and a
   * gRPC port must run in KServe Standard mode. That holds for models that
   * name the runtime and for those KServe would auto-select it for.
   */
  private knativeModelErrors(): string[] {
    const out: string[] = [];
    for (const c of this.node.root.node.findAll()) {
      if (!(c instanceof ServedModel) || !c.platform.isKnative || !c.platform._compiler.capabilities.servingRuntimes) continue;
      const how = this.servesModel(c);
      if (how === undefined) continue;
      out.push(`${c.node.path}: ${how === 'named' ? 'runtime' : 'format'} ${how === 'named' ? this.runtimeName : c._spec().format}`
        + ` ${how === 'named' ? 'is a runtime that' : `would auto-select runtime ${this.runtimeName}, which`} opens ${this.servingPorts} ports (REST and gRPC),`
        + ` and the "${c.platform.id}" platform runs the model under Knative, which routes to one port per pod;`
        + ` use ServingPlatform.kserveStandard(), ${how === 'named' ? 'or' : 'name another runtime, or use'} a runtime without grpcPort`);
    }
    return out;
  }

  /**
   * Whether the model names this runtime, or names none and KServe could
   * auto-select this one for its format (predictor_model.go,
   * `GetSupportingRuntimes`: enabled, single-model, the format's label and
   * the protocol; a namespaced runtime only in its namespace). A model whose
   * props are invalid reports its own error.
   */
  private servesModel(model: ServedModel): 'named' | 'auto' | undefined {
    let spec;
    try {
      spec = model._spec();
    } catch {
      return undefined;
    }
    if (!this.clusterScoped && spec.namespace !== this.runtimeNamespace) return undefined;
    if (spec.runtime !== undefined) return spec.runtime === this.runtimeName ? 'named' : undefined;
    const format = spec.format;
    if (format === undefined || this.disabled || this.multiModel) return undefined;
    const selectable = this.supportedFormats.some((f) => f.autoSelect && f.format.name.toLowerCase() === format.name.toLowerCase()
      && (format.version === undefined || f.format.version === format.version));
    return selectable && this.protocols.some((p) => p.version === spec.protocol.version) ? 'auto' : undefined;
  }
}

/**
 * A namespaced KServe ServingRuntime: a pinned model server for the formats
 * it lists. Reference it from a ServedModel with `runtime` so
 * production runs exactly the server the model was validated with.
 *
 * Two auto-selectable runtimes claiming the same format and version at the
 * same priority in the same namespace are rejected at synth, as KServe's
 * webhook would reject them at apply.
 *
 * @example
 * const sklearn = new ServingRuntime(chart, 'sklearn-1-5', {
 *   supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority: 2 }],
 *   protocols: [InferenceProtocol.V1, InferenceProtocol.V2],
 *   container: { image: 'kserve/sklearnserver:v0.15.2', args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'] },
 * });
 */
export class ServingRuntime extends ServingRuntimeBase {
  /**
   * A ServingRuntime that exists in the cluster already (in the model's
   * namespace), by name. Its formats and protocols are unknown, so a model
   * that runs on it is not checked against them (see `IServingRuntime.imported`).
   *
   * @param scope the scope of the reference
   * @param id the construct id of the reference (it writes no document)
   * @param servingRuntimeName the ServingRuntime's name
   */
  public static fromServingRuntimeName(scope: Construct, id: string, servingRuntimeName: string): IServingRuntime {
    return new ImportedServingRuntime(scope, id, servingRuntimeName, false);
  }

  constructor(scope: Construct, id: string, props: ServingRuntimeProps) {
    // Plain JavaScript callers may pass no props: the base constructor says so with the path.
    super(scope, id, 'ServingRuntime', props, (props as ServingRuntimeProps | undefined)?.namespace ?? chartNamespace(scope));
  }
}

/**
 * A cluster-wide KServe ClusterServingRuntime: like {@link ServingRuntime},
 * usable from every namespace.
 */
export class ClusterServingRuntime extends ServingRuntimeBase {
  /**
   * A ClusterServingRuntime that exists in the cluster already (e.g. one of
   * KServe's built-in runtimes, `kserve-tritonserver`), by name. Its formats
   * and protocols are unknown, so a model that runs on it is not checked
   * against them (see `IServingRuntime.imported`).
   *
   * @param scope the scope of the reference
   * @param id the construct id of the reference (it writes no document)
   * @param clusterServingRuntimeName the ClusterServingRuntime's name
   */
  public static fromClusterServingRuntimeName(scope: Construct, id: string, clusterServingRuntimeName: string): IServingRuntime {
    return new ImportedServingRuntime(scope, id, clusterServingRuntimeName, true);
  }

  constructor(scope: Construct, id: string, props: ClusterServingRuntimeProps) {
    super(scope, id, 'ClusterServingRuntime', props, undefined);
  }
}

/** What each prop must be, for callers without a type checker (a function: classes are read after every module loaded). */
function runtimePropTypes(): Record<string, PropType> {
  return {
    supportedFormats: 'list',
    container: 'struct',
    protocols: { listOf: InferenceProtocol, use: '[InferenceProtocol.V1, InferenceProtocol.V2, ...]' },
    multiModel: 'boolean',
    disabled: 'boolean',
    nodePool: { cls: GpuNodePool, use: 'GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)' },
    name: 'string',
    labels: 'map',
    podAnnotations: 'map',
    podSecurity: { cls: PodSecurity, use: 'PodSecurity.restricted(...) or PodSecurity.baseline(reason)' },
    grpcPort: 'number',
    imagePullPolicy: { oneOf: ImagePullPolicy, name: 'ImagePullPolicy' },
    imagePullSecrets: 'list',
    sidecars: 'list',
    podLabels: 'map',
    sharedMemory: { cls: Size, use: 'Size.gibibytes(n) from cdk8s' },
    namespace: 'string',
  };
}

function checkFormats(scope: IConstruct, formats: SupportedModelFormat[] | undefined): SupportedModelFormat[] {
  if (!Array.isArray(formats) || formats.length === 0) {
    fail(scope, 'supportedFormats', formats, 'is empty', 'list at least one format the runtime serves');
  }
  const priorities = new Map<string, number | undefined>();
  formats.forEach((f, i) => {
    const prop = `supportedFormats[${i}]`;
    if (!(f?.format instanceof ModelFormat)) fail(scope, `${prop}.format`, f?.format, 'is not a ModelFormat', 'use ModelFormat.SKLEARN, ModelFormat.of(...), ...');
    checkInteger(scope, `${prop}.priority`, f.priority, 1, 2147483647);
    if (f.autoSelect !== undefined && typeof f.autoSelect !== 'boolean') fail(scope, `${prop}.autoSelect`, f.autoSelect, 'is not a boolean', 'use true or false');
    if (f.priority !== undefined && !f.autoSelect) {
      fail(scope, `${prop}.priority`, f.priority, 'has no effect without autoSelect (KServe ignores it)', 'set autoSelect: true, or drop priority');
    }
    const dup = formats.findIndex((o) => sameFormat(o.format, f.format));
    if (dup !== i) fail(scope, `${prop}.format`, f.format.toString(), `is listed twice (also supportedFormats[${dup}])`, 'list each format and version once');
    // KServe: the same format name with autoSelect must carry one priority within a runtime.
    if (f.autoSelect) {
      const key = f.format.name.toLowerCase();
      if (priorities.has(key) && priorities.get(key) !== undefined && f.priority !== undefined && priorities.get(key) !== f.priority) {
        fail(scope, `${prop}.priority`, f.priority, `differs from the priority ${priorities.get(key)} given to another version of "${f.format.name}"`,
          'give every auto-selectable version of a format the same priority in one runtime');
      }
      if (!priorities.has(key)) priorities.set(key, f.priority);
    }
  });
  return formats.map((f) => ({ ...f }));
}

function checkProtocols(scope: IConstruct, protocols: InferenceProtocol[]): InferenceProtocol[] {
  if (!Array.isArray(protocols) || protocols.length === 0) {
    fail(scope, 'protocols', protocols, 'is empty', 'list the protocols the server speaks, e.g. [InferenceProtocol.V2]');
  }
  protocols.forEach((p, i) => {
    if (!(p instanceof InferenceProtocol)) fail(scope, `protocols[${i}]`, p, 'is not an InferenceProtocol', 'use InferenceProtocol.V1, V2, GRPC_V2, ...');
    if (protocols.findIndex((o) => o.version === p.version) !== i) fail(scope, `protocols[${i}]`, p.version, 'is listed twice', 'list each protocol once');
  });
  return [...protocols];
}

function resolveRuntimeContainer(
  scope: IConstruct, props: ServingRuntimeBaseProps, securityContext: object, scratch: ResolvedPodSecurity['scratch'], protocols: InferenceProtocol[],
): Record<string, unknown> {
  const c = props.container;
  if (!c) fail(scope, 'container', c, 'is missing', 'give the model server container with a pinned image');
  checkImage(scope, 'container.image', c.image);
  checkPinned(scope, 'container.image', c.image);
  checkInteger(scope, 'container.port', c.port, 1, 65535);
  checkPullPolicy(scope, 'imagePullPolicy', props.imagePullPolicy);
  checkNoPlainContainerEnv(scope, 'container', c);
  // Servers keep caches under $HOME; with a read-only root it must be writable (unless the user points it elsewhere).
  const env = runtimeEnv(scope, 'container.envVariables', c.envVariables, scratch ? { HOME: scratch.mountPath } : {});
  return compact({
    name: SERVER_CONTAINER_NAME,
    image: c.image,
    imagePullPolicy: props.imagePullPolicy,
    command: c.command,
    args: c.args?.length ? [...c.args] : undefined,
    env: env.length ? env : undefined,
    ports: serverPorts(scope, c, props.grpcPort, protocols.some((p) => !p.grpc), protocols.some((p) => p.grpc)),
    resources: resourcesJson(resolveResources(scope, 'container.resources', c.resources)),
    securityContext,
    volumeMounts: scratch ? [{ name: scratch.volumeName, mountPath: scratch.mountPath }] : undefined,
  });
}

/**
 * The memory-backed `/dev/shm` volume (KServe's config/runtimes/kserve-huggingfaceserver.yaml
 * mounts one named `devshm`). Its pages are charged to the container's memory
 * cgroup: a size at or above the memory limit gets the server OOM-killed
 * before the volume is full.
 */
function sharedMemoryVolume(scope: IConstruct, props: ServingRuntimeBaseProps): Record<string, unknown> | undefined {
  const size = props.sharedMemory;
  if (size === undefined) return undefined;
  const mib = mebibytesOf(size);
  if (!(mib >= 1)) fail(scope, 'sharedMemory', `${mib}Mi`, 'is not a valid size', 'use a Size of at least 1 MiB, e.g. Size.gibibytes(2)');
  const r = props.container?.resources;
  const limit = r?.memoryLimit ?? r?.memory;
  const limitMib = limit ? mebibytesOf(limit) : 2048;
  if (mib >= limitMib) {
    fail(scope, 'sharedMemory', memoryQuantity(size), `is not below the server's memory limit (${memoryQuantity(Size.mebibytes(limitMib))}), which /dev/shm counts against`,
      'raise container.resources.memory (or memoryLimit), or make sharedMemory smaller');
  }
  return { name: 'devshm', emptyDir: { medium: 'Memory', sizeLimit: memoryQuantity(size) } };
}

/** Registry credentials by reference: only the Secret's name reaches the manifest. */
function imagePullSecrets(scope: IConstruct, secrets: ISecret[] | undefined): Array<{ name: string }> | undefined {
  if (secrets === undefined) return undefined;
  return secrets.map((s, i) => {
    if (s === null || typeof s !== 'object' || typeof (s as ISecret).name !== 'string') {
      fail(scope, `imagePullSecrets[${i}]`, s, 'is not an ISecret', 'use Secret.fromSecretName(scope, id, name) or a Secret from cdk8s-plus-28');
    }
    checkDns1123Subdomain(scope, `imagePullSecrets[${i}]`, s.name);
    if (secrets.findIndex((o) => o.name === s.name) !== i) fail(scope, `imagePullSecrets[${i}]`, s.name, 'is listed twice', 'list each Secret once');
    return { name: s.name };
  });
}

function sameFormat(a: ModelFormat, b: ModelFormat): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.version === b.version;
}

/**
 * KServe's webhook rule: two enabled runtimes of the same scope (the same
 * namespace, or both cluster-wide) and model-ness that share a protocol may
 * not give the same auto-selectable format and version the same priority.
 */
function checkPriorityClashes(runtime: ServingRuntimeBase): void {
  if (runtime.disabled) return;
  const others = runtime.node.root.node.findAll().filter((c): c is ServingRuntimeBase =>
    c instanceof ServingRuntimeBase && c !== runtime && !c.disabled
    && c.clusterScoped === runtime.clusterScoped && c.runtimeNamespace === runtime.runtimeNamespace
    && c.multiModel === runtime.multiModel
    && c.protocols.some((p) => runtime.protocols.some((q) => q.version === p.version)));
  for (const other of others) {
    for (const [i, f] of runtime.supportedFormats.entries()) {
      if (!f.autoSelect || f.priority === undefined) continue;
      const clash = other.supportedFormats.find((o) => o.autoSelect && o.priority === f.priority && sameFormat(o.format, f.format));
      if (clash) {
        const where = runtime.clusterScoped ? 'ClusterServingRuntime' : `ServingRuntime in namespace "${runtime.runtimeNamespace ?? '<default>'}"`;
        fail(runtime, `supportedFormats[${i}].priority`, f.priority,
          `clashes with ${where} "${other.runtimeName}" (${other.node.path}), which auto-selects "${f.format}" at the same priority`,
          'give each auto-selectable runtime of a format a different priority, or set autoSelect: false on one');
      }
    }
  }
}
