import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IServingRuntime, SupportedModelFormat } from './runtime-ref';
import { withoutNamespace } from '../internal/cluster-scoped';
import { checkInteger, fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { compact, sortedRecord } from '../internal/k8s';
import { chartNamespace, standardLabels } from '../internal/labels';
import { checkAnnotations, checkImage, checkDns1123Label, checkDns1123Subdomain, checkLabels, nameFromId } from '../internal/names';
import { checkProps, PropType } from '../internal/prop-types';
import { ModelContainer } from '../model/components';
import { ModelFormat } from '../model/format';
import { ModelSpec, RESTRICTED_CONTAINER_SECURITY, resolveEnv, resolveResources } from '../model/model-spec';
import { InferenceProtocol } from '../model/protocol';
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
   * validated with.
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
  /** The ServingRuntime or ClusterServingRuntime document (escape hatch). */
  public readonly apiObject: ApiObject;

  protected constructor(scope: Construct, id: string, kind: string, props: ServingRuntimeBaseProps, namespace: string | undefined) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, runtimePropTypes(), ['supportedFormats', 'container'], `${kind}Props, e.g. { supportedFormats, container }`);
    if (kind === 'ClusterServingRuntime' && (props as { namespace?: unknown }).namespace !== undefined) {
      fail(this, 'namespace', (props as { namespace?: unknown }).namespace, 'is set on a cluster-scoped runtime, which has no namespace', 'use a ServingRuntime for a namespace');
    }
    this.clusterScoped = kind === 'ClusterServingRuntime';
    this.runtimeName = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.runtimeName);
    if (namespace !== undefined) checkDns1123Label(this, 'namespace', namespace);
    this.runtimeNamespace = namespace;
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'podAnnotations', props.podAnnotations);
    this.supportedFormats = checkFormats(this, props.supportedFormats);
    this.protocols = checkProtocols(this, props.protocols ?? [InferenceProtocol.V1]);
    this.multiModel = props.multiModel ?? false;
    this.disabled = props.disabled ?? false;
    const security = props.podSecurity?._resolve();
    // A runtime that speaks only gRPC serves HTTP/2: in Knative mode its port must be named h2c
    // (knative serving pkg/apis/serving/k8s_validation.go, validateContainerPorts).
    const container = resolveRuntimeContainer(this, props.container, security, this.protocols.every((p) => p.grpc));
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
        // placementFields reads only the placement of a spec.
        ...placementFields({ placement } as ModelSpec),
        containers: [container],
        volumes: security?.scratch ? [{ name: security.scratch.volumeName, emptyDir: { sizeLimit: security.scratch.sizeLimit } }] : undefined,
      }),
    });
    if (this.clusterScoped) withoutNamespace(this.apiObject);
  }
}

/**
 * A namespaced KServe ServingRuntime: a pinned model server for the formats
 * it lists. Reference it from a ServedModel with `servingRuntime` so
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
  scope: IConstruct, c: ModelContainer | undefined, security: ResolvedPodSecurity | undefined, grpcOnly: boolean,
): Record<string, unknown> {
  if (!c) fail(scope, 'container', c, 'is missing', 'give the model server container with a pinned image');
  checkImage(scope, 'container.image', c.image);
  checkPinned(scope, 'container.image', c.image);
  checkInteger(scope, 'container.port', c.port, 1, 65535);
  const scratch = security?.scratch;
  // Servers keep caches under $HOME; with a read-only root it must be writable.
  const scratchEnv: Record<string, string> = scratch && c.env?.HOME === undefined ? { HOME: scratch.mountPath } : {};
  const env = resolveEnv(scope, 'container.env', { ...scratchEnv, ...(c.env ?? {}) });
  return compact({
    name: 'kserve-container',
    image: c.image,
    command: c.command,
    args: c.args?.length ? [...c.args] : undefined,
    env: env.length ? env : undefined,
    ports: [{ name: grpcOnly ? 'h2c' : undefined, containerPort: c.port ?? 8080, protocol: 'TCP' }],
    resources: resourcesJson(resolveResources(scope, 'container.resources', c.resources)),
    // ServingRuntimeSpec has no pod securityContext: the group id goes on the container.
    securityContext: security ? compact({ ...security.container, runAsGroup: security.pod.runAsGroup }) : RESTRICTED_CONTAINER_SECURITY,
    volumeMounts: scratch ? [{ name: scratch.volumeName, mountPath: scratch.mountPath }] : undefined,
  });
}

/** A tag other than `latest`, or a digest. */
function checkPinned(scope: IConstruct, prop: string, image: string): void {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : undefined;
  if (!tag || tag === 'latest') {
    fail(scope, prop, image, tag ? 'uses the moving "latest" tag' : 'has no tag',
      'pin the server with a version tag (image:1.2.3) or a digest (image@sha256:...)');
  }
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
