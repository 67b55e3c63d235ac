import { ApiObject, Size } from 'cdk8s';
import { IServiceAccount } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { cacheCovers, LOCAL_MODEL_CACHE } from './cache-rules';
import { ILocalModelCache, ILocalModelNodeGroup } from './local-model-cache-ref';
import { withoutNamespace } from '../internal/cluster-scoped';
import { checkNonEmpty, fail, withScope } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { compact, NodeSelectorRequirement, sortedRecord } from '../internal/k8s';
import { standardLabels } from '../internal/labels';
import { checkDns1123Label, checkDns1123Subdomain, checkLabels, checkQualifiedKey, nameFromId } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { binaryQuantity, mebibytesOf } from '../internal/units';
import { ModelStorage } from '../model/storage';
import { GpuNodePool } from '../scheduling/node-pool';
import { checkNoCredential, checkNoCredentialLiteral } from '../security/credentials';

export const LOCAL_MODEL_API_VERSION = 'serving.kserve.io/v1alpha1';


const SIZE = { cls: Size, use: 'Size.gibibytes(n) from cdk8s' };
/** A storage quantity in the largest whole binary unit (Ti, Gi, else Mi). */
export function storageQuantity(size: Size): string {
  return binaryQuantity(mebibytesOf(size), 'Mi', 'Ti');
}

/** Props of a {@link LocalModelNodeGroup}. */
export interface LocalModelNodeGroupProps {
  /** The most disk the group's nodes give to cached models, all caches together. */
  readonly storageLimit: Size;

  /**
   * The host directory on each node where models are cached. It must match
   * the `hostPath` of KServe's `kserve-localmodelnode-agent` DaemonSet
   * (`/mnt/models` for Helm installs, `/models` for Kustomize installs).
   */
  readonly localPath: string;

  /**
   * The nodes that cache models: the node pool whose labels (and GPU
   * product) select them. Local volumes need a node selection, so give
   * this or `nodeSelector`.
   *
   * @default - none; then nodeSelector is required
   */
  readonly nodePool?: GpuNodePool;

  /**
   * Node labels that select the caching nodes (added to the node pool's).
   *
   * @default - none; then nodePool is required
   */
  readonly nodeSelector?: Record<string, string>;

  /**
   * The StorageClass of the local persistent volumes.
   *
   * @default "local-storage"
   */
  readonly storageClassName?: string;

  /**
   * The capacity of each node's volume.
   *
   * @default - equal to storageLimit
   */
  readonly capacity?: Size;

  /**
   * The resource name (cluster-wide).
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * Extra labels.
   *
   * @default - the standard app.kubernetes.io labels only
   */
  readonly labels?: Record<string, string>;
}

/**
 * A KServe LocalModelNodeGroup (cluster-scoped): the nodes whose local disks
 * (NVMe) hold cached models, and the local PersistentVolume (and claim)
 * KServe creates on each of them.
 *
 * @example
 * const gpuNodes = new LocalModelNodeGroup(chart, 'gpu-nvme', {
 *   storageLimit: Size.tebibytes(1),
 *   localPath: '/mnt/models',
 *   nodePool: GpuNodePool.custom({ labels: { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' } }),
 * });
 */
export class LocalModelNodeGroup extends Construct implements ILocalModelNodeGroup {
  /** The resource name. */
  public readonly groupName: string;
  /** The storage limit, all cached models together. */
  public readonly storageLimit: Size;
  /** The LocalModelNodeGroup document (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: LocalModelNodeGroupProps) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, {
      storageLimit: SIZE,
      localPath: 'string',
      nodePool: { cls: GpuNodePool, use: 'GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)' },
      nodeSelector: 'map',
      storageClassName: 'string',
      capacity: SIZE,
      name: 'string',
      labels: 'map',
    }, ['storageLimit', 'localPath'], 'LocalModelNodeGroupProps, e.g. { storageLimit, localPath }');
    this.groupName = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.groupName);
    checkLabels(this, 'labels', props.labels);
    checkSize(this, 'storageLimit', props.storageLimit);
    if (props.capacity !== undefined) checkSize(this, 'capacity', props.capacity);
    if (props.capacity && mebibytesOf(props.capacity) < mebibytesOf(props.storageLimit)) {
      fail(this, 'capacity', storageQuantity(props.capacity), `is below the storage limit (${storageQuantity(props.storageLimit)})`,
        'give the volume at least the storage limit');
    }
    if (typeof props.localPath !== 'string' || !/^\/[^\s]*$/.test(props.localPath) || props.localPath.split('/').includes('..')) {
      fail(this, 'localPath', props.localPath, 'is not an absolute host path', 'use the agent DaemonSet\'s hostPath, e.g. /mnt/models');
    }
    checkNonEmpty(this, 'storageClassName', props.storageClassName);
    if (props.storageClassName !== undefined) checkDns1123Subdomain(this, 'storageClassName', props.storageClassName);
    for (const key of Object.keys(props.nodeSelector ?? {})) checkQualifiedKey(this, 'nodeSelector key', key);
    this.storageLimit = props.storageLimit;

    const nodeTerms = nodeAffinityTerms(this, props);
    const capacity = storageQuantity(props.capacity ?? props.storageLimit);
    const storageClassName = props.storageClassName ?? 'local-storage';
    this.apiObject = withoutNamespace(new ApiObject(this, 'Resource', {
      apiVersion: LOCAL_MODEL_API_VERSION,
      kind: 'LocalModelNodeGroup',
      metadata: { name: this.groupName, labels: cacheLabels(this.groupName, 'model-cache-node-group', props.labels) },
      spec: {
        storageLimit: storageQuantity(props.storageLimit),
        persistentVolumeClaimSpec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: capacity } },
          storageClassName,
          volumeMode: 'Filesystem',
        },
        persistentVolumeSpec: {
          accessModes: ['ReadWriteOnce'],
          capacity: { storage: capacity },
          local: { path: props.localPath },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: nodeTerms }] } },
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName,
          volumeMode: 'Filesystem',
        },
      },
    }));
  }
}

/** Props of a {@link LocalModelCache}. */
export interface LocalModelCacheProps {
  /** The model to cache; ServedModels whose storage is this URI (or a path under it) use the cache. */
  readonly storage: ModelStorage;

  /** The size of the model files on disk. */
  readonly modelSize: Size;

  /** The node groups that cache the model; at least one (`LocalModelNodeGroup` constructs). */
  readonly nodeGroups: ILocalModelNodeGroup[];

  /**
   * The service account whose secrets hold the storage credentials. KServe
   * looks it up in its download-job namespace (`kserve-localmodel-jobs` by
   * default), whatever the cache's scope: name one that exists there with
   * `ServiceAccount.fromServiceAccountName(scope, id, name)` from cdk8s-plus.
   *
   * @default - none (public storage, or a ClusterStorageContainer)
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * The key of the credentials in the `storage-config` secret of the
   * download-job namespace.
   *
   * @default - none
   */
  readonly storageKey?: string;

  /**
   * Extra storage parameters (e.g. `{ type: 's3', region: 'us-west-2' }`).
   *
   * @default - none
   */
  readonly storageParameters?: Record<string, string>;

  /**
   * The resource name (cluster-wide).
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * Extra labels.
   *
   * @default - the standard app.kubernetes.io labels only
   */
  readonly labels?: Record<string, string>;
}

/**
 * A KServe LocalModelCache (cluster-scoped): downloads a large model onto
 * the local disks of the node groups ahead of time, so GPU replicas start
 * without pulling tens of gigabytes.
 *
 * KServe matches an InferenceService to a cache by its storage URI (the
 * cached URI or a path under it); the InferenceService needs no field. With
 * several node groups KServe uses the first, unless the InferenceService's
 * `serving.kserve.io/nodegroup` annotation names another. Reference the cache
 * from a ServedModel (`modelCache`) to have the URI and that annotation
 * checked at synth and the cache applied before the model.
 * {@link LocalModelNamespaceCache} is the same cache for one namespace.
 *
 * @example
 * const llamaCache = new LocalModelCache(chart, 'llama3-8b', {
 *   storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct'),
 *   modelSize: Size.gibibytes(16),
 *   nodeGroups: [gpuNodes],
 * });
 */
export class LocalModelCache extends Construct implements ILocalModelCache {
  /** The resource name. */
  public readonly cacheName: string;
  /**
   * The namespace of a {@link LocalModelNamespaceCache}, if set.
   *
   * @default - none (cluster-scoped, or the namespace kubectl applies to)
   */
  public readonly cacheNamespace?: string;
  /** The cached model's storage. */
  public readonly storage: ModelStorage;
  /** The size of the model files. */
  public readonly modelSize: Size;
  /** The node groups that cache the model. */
  public readonly nodeGroups: ILocalModelNodeGroup[];
  /** The LocalModelCache (or LocalModelNamespaceCache) document (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: LocalModelCacheProps) {
    super(scope, id);
    Object.defineProperty(this, LOCAL_MODEL_CACHE, { value: true });
    ensureUniqueIdentities(this);
    const where = this._placement(scope, props);
    checkProps(this, props, {
      storage: { cls: ModelStorage, use: 'ModelStorage.fromHuggingFace(...), fromUri(...), s3(...)' },
      modelSize: SIZE,
      serviceAccount: 'struct',
      storageKey: 'string',
      storageParameters: 'map',
      name: 'string',
      labels: 'map',
      ...(where.namespaced ? { namespace: 'string' as const } : {}),
    }, ['storage', 'modelSize', 'nodeGroups'], `${where.kind}Props, e.g. { storage, modelSize, nodeGroups }`);
    this.cacheName = props.name ?? nameFromId(id);
    checkDns1123Subdomain(this, 'name', this.cacheName);
    if (where.namespace !== undefined) checkDns1123Label(this, 'namespace', where.namespace);
    this.cacheNamespace = where.namespace;
    if (where.namespaced) NAMESPACED_CACHES.add(this);
    checkLabels(this, 'labels', props.labels);
    if (!(props.storage instanceof ModelStorage)) fail(this, 'storage', props.storage, 'is not a ModelStorage', 'use ModelStorage.fromHuggingFace(...), ModelStorage.fromS3({ bucket: ..., key: undefined }), ...');
    if (props.storage.scheme === 'pvc') {
      fail(this, 'storage', props.storage.uri, 'is already a volume in the cluster', 'cache models from remote storage (hf://, s3://, gs://, https://, ...)');
    }
    checkSize(this, 'modelSize', props.modelSize);
    if (!Array.isArray(props.nodeGroups)) fail(this, 'nodeGroups', shownGroup(props.nodeGroups), 'is not a list of LocalModelNodeGroup', 'use a list of LocalModelNodeGroup constructs');
    if (props.nodeGroups.length === 0) {
      fail(this, 'nodeGroups', props.nodeGroups, 'is empty', 'give at least one LocalModelNodeGroup');
    }
    props.nodeGroups.forEach((g, i) => {
      // The cache needs only the group's name and storage limit (ILocalModelNodeGroup); plain JavaScript may pass anything.
      if (!isNodeGroup(g)) fail(this, `nodeGroups[${i}]`, shownGroup(g), 'is not a LocalModelNodeGroup', 'pass the node group construct');
      if (props.nodeGroups.indexOf(g) !== i) fail(this, `nodeGroups[${i}]`, g.groupName, 'is listed twice', 'list each node group once');
    });
    const removed = (props as { serviceAccountName?: unknown }).serviceAccountName;
    if (removed !== undefined) {
      fail(this, 'serviceAccountName', removed, 'was replaced by serviceAccount', 'use serviceAccount: ServiceAccount.fromServiceAccountName(scope, id, name) from cdk8s-plus-28');
    }
    const serviceAccount = serviceAccountName(this, props.serviceAccount);
    checkNonEmpty(this, 'storageKey', props.storageKey);
    // The key names an entry of KServe's storage-config Secret; the credential itself stays in that Secret.
    if (typeof props.storageKey === 'string') checkNoCredential(this, 'storageKey', props.storageKey);
    for (const [k, v] of Object.entries(props.storageParameters ?? {})) {
      checkNonEmpty(this, 'storageParameters key', k);
      if (typeof v !== 'string') fail(this, `storageParameters["${k}"]`, v, 'is not a string', 'parameter values are strings');
      checkNoCredentialLiteral(this, 'storageParameters', k, v);
    }
    this.storage = props.storage;
    this.modelSize = props.modelSize;
    this.nodeGroups = [...props.nodeGroups];
    checkDuplicateUri(this);
    checkGroupCapacity(this);

    const apiObject = new ApiObject(this, 'Resource', {
      apiVersion: LOCAL_MODEL_API_VERSION,
      kind: where.kind,
      metadata: { name: this.cacheName, namespace: where.namespace, labels: cacheLabels(this.cacheName, 'model-cache', props.labels) },
      spec: compact({
        sourceModelUri: props.storage.uri,
        modelSize: storageQuantity(props.modelSize),
        nodeGroups: this.nodeGroups.map((g) => g.groupName),
        serviceAccountName: serviceAccount,
        storage: props.storageKey !== undefined || props.storageParameters !== undefined
          ? { key: props.storageKey, parameters: sortedRecord(props.storageParameters) } : undefined,
      }),
    });
    this.apiObject = where.namespaced ? apiObject : withoutNamespace(apiObject);
    for (const g of this.nodeGroups) this.node.addDependency(g);
  }

  /**
   * @internal where the cache's document lives: its kind and namespace.
   * A LocalModelCache is cluster-wide; LocalModelNamespaceCache overrides this.
   */
  protected _placement(_scope: Construct, props: LocalModelCacheProps): CachePlacement {
    const ns = (props as { namespace?: unknown } | undefined)?.namespace;
    if (ns !== undefined) {
      fail(this, 'namespace', ns, 'is set on a cluster-scoped LocalModelCache, which has no namespace', 'use a LocalModelNamespaceCache for a cache of one namespace');
    }
    return { kind: 'LocalModelCache', namespaced: false };
  }
}

/** The caches of one namespace (LocalModelNamespaceCache), by identity. */
const NAMESPACED_CACHES = new WeakSet<LocalModelCache>();

/** @internal The kind and namespace of a cache's document. */
export interface CachePlacement {
  readonly kind: string;
  readonly namespaced: boolean;
  readonly namespace?: string;
}

/** The name of the credentials' service account; only the name reaches the manifest. */
function serviceAccountName(scope: IConstruct, sa: IServiceAccount | undefined): string | undefined {
  if (sa === undefined) return undefined;
  if (sa === null || typeof sa !== 'object' || typeof sa.name !== 'string') {
    fail(scope, 'serviceAccount', sa, 'is not an IServiceAccount', 'use ServiceAccount.fromServiceAccountName(scope, id, name) from cdk8s-plus-28');
  }
  checkDns1123Subdomain(scope, 'serviceAccount', sa.name);
  return sa.name;
}

/** A cache serves every model on its nodes: its documents are part of no single model, but of the cache. */
function cacheLabels(name: string, component: string, extra: Record<string, string> | undefined): Record<string, string> {
  return { ...(extra ?? {}), ...standardLabels(name, component) };
}

function checkSize(scope: IConstruct, prop: string, size: Size | undefined): void {
  if (!(size instanceof Size) || !(mebibytesOf(size) >= 1)) {
    fail(scope, prop, size instanceof Size ? `${mebibytesOf(size)}Mi` : size, 'is not a valid size', 'use a Size of at least 1 MiB, e.g. Size.gibibytes(20)');
  }
}

function nodeAffinityTerms(scope: IConstruct, props: LocalModelNodeGroupProps): NodeSelectorRequirement[] {
  const pool = props.nodePool;
  const placement = pool ? withScope(scope, 'nodePool', () => pool._resolve()) : undefined;
  const labels: Record<string, string> = { ...(placement?.nodeSelector ?? {}) };
  for (const [k, v] of Object.entries(props.nodeSelector ?? {})) {
    if (labels[k] !== undefined && labels[k] !== v) {
      fail(scope, 'nodeSelector', `${k}=${v}`, `conflicts with the node pool's ${k}=${labels[k]}`, 'select the same value in both, or drop one');
    }
    labels[k] = v;
  }
  const terms: NodeSelectorRequirement[] = [
    ...Object.keys(labels).sort().map((key) => ({ key, operator: 'In' as const, values: [labels[key]] })),
    ...(placement?.requiredNodeAffinity ?? []),
  ];
  if (terms.length === 0) {
    fail(scope, 'nodePool', undefined, 'is missing, and so is nodeSelector: local volumes must name their nodes',
      'give the node pool or the node labels of the caching nodes');
  }
  return terms;
}

/**
 * Two caches of one scope (both cluster-wide, or both in one namespace) with
 * one URI (or one under the other) would download it twice, and KServe's
 * choice would depend on list order. A namespace cache may overlap a
 * cluster cache: KServe looks at the namespace's caches first
 * (inference_service_defaults.go, `setLocalModelLabel`).
 */
function checkDuplicateUri(cache: LocalModelCache): void {
  const namespaced = NAMESPACED_CACHES.has(cache);
  const other = cache.node.root.node.findAll().find((c): c is LocalModelCache =>
    c instanceof LocalModelCache && c !== cache && c.storage !== undefined
    && NAMESPACED_CACHES.has(c) === namespaced && c.cacheNamespace === cache.cacheNamespace
    && (cacheCovers(c.storage.uri, cache.storage.uri) || cacheCovers(cache.storage.uri, c.storage.uri)));
  if (other) {
    const kind = namespaced ? `LocalModelNamespaceCache "${other.cacheName}" in namespace "${other.cacheNamespace ?? '<default>'}"` : `LocalModelCache "${other.cacheName}"`;
    fail(cache, 'storage', cache.storage.uri, `overlaps the URI "${other.storage.uri}" of ${kind} (${other.node.path}), so KServe's choice would depend on list order`,
      'cache each model once and add node groups to that cache');
  }
}

/** An ILocalModelNodeGroup: a construct with a group name and a storage limit. */
function isNodeGroup(g: unknown): g is ILocalModelNodeGroup {
  const x = g as Partial<ILocalModelNodeGroup> | null | undefined;
  return typeof x === 'object' && x !== null && typeof x.node === 'object' && typeof x.groupName === 'string' && x.storageLimit instanceof Size;
}

/** A node group as an error shows it: a construct by its path, anything else as given (a class by its name). */
function shownGroup(g: unknown): unknown {
  const path = (g as { node?: { path?: unknown } } | null | undefined)?.node?.path;
  if (typeof path === 'string') return path;
  return g !== null && typeof g === 'object' && !Array.isArray(g) ? `<${(g as object).constructor?.name ?? 'object'}>` : g;
}

/** All caches on a node group must fit its storage limit. */
function checkGroupCapacity(cache: LocalModelCache): void {
  const all = cache.node.root.node.findAll().filter((c): c is LocalModelCache => c instanceof LocalModelCache);
  for (const group of cache.nodeGroups) {
    const users = all.filter((c) => c.nodeGroups.includes(group));
    const total = users.reduce((sum, c) => sum + mebibytesOf(c.modelSize), 0);
    if (total > mebibytesOf(group.storageLimit)) {
      fail(cache, 'modelSize', storageQuantity(cache.modelSize),
        `brings the models cached on node group "${group.groupName}" to ${storageQuantity(Size.mebibytes(total))}, over its storage limit of ${storageQuantity(group.storageLimit)}`
        + ` (${users.map((c) => `${c.cacheName}: ${storageQuantity(c.modelSize)}`).join(', ')})`,
        'raise the node group\'s storageLimit, or cache fewer models on it');
    }
  }
}

