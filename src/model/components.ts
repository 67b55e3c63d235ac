import { Duration, Size } from 'cdk8s';
import { Cpu, EnvValue, ImagePullPolicy, IServiceAccount } from 'cdk8s-plus-28';
import type { ModelStorage } from './storage';
import type { DeploymentStrategy } from '../scaling/deployment-strategy';
import type { Scaling } from '../scaling/scaling';
import type { GpuNodePool } from '../scheduling/node-pool';

/** CPU and memory for a container. Requests are always written (schedulers and PDBs need them). */
export interface ModelResources {
  /**
   * CPU request.
   *
   * @default Cpu.units(1)
   */
  readonly cpu?: Cpu;

  /**
   * Memory request; also the memory limit unless `memoryLimit` is set.
   *
   * @default Size.gibibytes(2)
   */
  readonly memory?: Size;

  /**
   * CPU limit.
   *
   * @default - no CPU limit (throttling hurts latency more than it protects neighbours)
   */
  readonly cpuLimit?: Cpu;

  /**
   * Memory limit.
   *
   * @default - equal to the memory request
   */
  readonly memoryLimit?: Size;
}

/**
 * A container: a serving runtime's server (`ServingRuntime.container`), or a
 * KServe transformer or explainer. Its environment is `envVariables` only
 * (cdk8s-plus `EnvValue`s), as on every container of this library.
 */
export interface ModelContainer {
  /** The image, pinned by tag or digest. */
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
   * field references. The way a container reads a credential (a feature
   * store's token, `HF_TOKEN`): literals that look like credentials are
   * refused.
   *
   * @default - none
   */
  readonly envVariables?: Record<string, EnvValue>;

  /**
   * The port the container listens on.
   *
   * @default 8080
   */
  readonly port?: number;

  /**
   * CPU and memory.
   *
   * @default - 1 CPU, 2 GiB
   */
  readonly resources?: ModelResources;
}

/**
 * A transformer or explainer: a container KServe runs as its own component
 * in front of (or beside) the predictor, with its own placement, identity,
 * secret-backed environment and scaling.
 */
export interface InferenceComponent extends ModelContainer {
  /**
   * The image pull policy of the container.
   *
   * @default - Kubernetes' default (`Always` for `:latest`, else `IfNotPresent`)
   */
  readonly imagePullPolicy?: ImagePullPolicy;

  /**
   * The service account the component's pods run as.
   *
   * @default - the model's service account
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * The nodes the component runs on (labels become a `nodeSelector`, taints
   * tolerations): e.g. keep a CPU-only transformer off the GPU pool, or on a
   * tainted CPU pool of its own.
   *
   * @default - any node (the model's accelerator and node pool are not inherited)
   */
  readonly nodePool?: GpuNodePool;

  /**
   * The component's own replicas and autoscaling (a transformer doing heavy
   * feature lookups may need more replicas than the model).
   *
   * @default - the model's replica bounds
   */
  readonly scaling?: Scaling;

  /**
   * How the component's own Deployment replaces its pods in KServe Standard
   * mode (`transformer.deploymentStrategy`, KServe's `ComponentExtensionSpec`):
   * e.g. `DeploymentStrategy.recreate()` for a transformer that holds a
   * single-writer lock. Not on Knative (Knative replaces revisions itself),
   * not with `collocated` (the pod is the predictor's).
   *
   * @default - Kubernetes' default rolling update (the model's deploymentStrategy is not inherited)
   */
  readonly deploymentStrategy?: DeploymentStrategy;

  /**
   * Transformer only: run it as a second container in the predictor's pod
   * (KServe's "collocation": `transformer-container` next to
   * `kserve-container`, one hop less, no separate component). Its port
   * becomes the pod's entry port, so it must differ from the model
   * server's; the model server is then reached on localhost. Not with
   * `serviceAccount`, `nodePool` or `scaling` (the pod is the predictor's).
   *
   * @default false (a separate transformer component)
   */
  readonly collocated?: boolean;
}

/** Which payloads the payload logger sends. */
export enum PayloadLoggerMode {
  /** Requests and responses. */
  ALL = 'all',
  /** Requests only. */
  REQUEST = 'request',
  /** Responses only. */
  RESPONSE = 'response',
}

/** Where the payload logger writes to blob storage (S3), instead of a CloudEvents sink. */
export interface PayloadLoggerStorage {
  /** The path (prefix) inside the bucket the log records are written under, e.g. `/logs/fraud`. */
  readonly path: string;

  /**
   * The service account whose secrets hold the bucket's credentials
   * (annotated like model storage secrets, `serving.kserve.io/s3-*`).
   *
   * @default - KServe's default `logger-sa`
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * The key of the credentials inside the storage secret.
   *
   * @default "credentials" (KServe's default)
   */
  readonly key?: string;
}

/** KServe's payload logger: copies inference payloads as CloudEvents to a sink (drift and quality monitoring). */
export interface PayloadLogger {
  /**
   * The sink: an http(s) CloudEvents URL (a Knative broker, a drift
   * detector), or with `storage` the bucket, `s3://bucket`.
   */
  readonly url: string;

  /**
   * What to log.
   *
   * @default PayloadLoggerMode.ALL
   */
  readonly mode?: PayloadLoggerMode;

  /**
   * Request headers copied into each logged event (e.g. a tenant or trace id).
   *
   * @default - none
   */
  readonly metadataHeaders?: string[];

  /**
   * Write the log records to blob storage (JSON files) rather than post
   * them as CloudEvents; `url` then names the bucket.
   *
   * @default - CloudEvents to `url`
   */
  readonly storage?: PayloadLoggerStorage;
}

/** One more model location for the predictor (`storageUris`): a base model and its adapters, each mounted at its own path. */
export interface StorageMount {
  /** Where the files are. */
  readonly storage: ModelStorage;

  /**
   * Where KServe mounts them in the model server container. All mounts
   * except `pvc://` ones must share a parent directory below `/`.
   *
   * @default "/mnt/models" (KServe's default)
   */
  readonly mountPath?: string;
}

/**
 * Multi-node serving (KServe `workerSpec`): one head and worker pods that
 * together serve one model replica, for models larger than a node's GPUs.
 */
export interface WorkerSpec {
  /**
   * Pipeline-parallel size: how many nodes one replica spans (the head and
   * `pipelineParallelSize - 1` workers).
   *
   * @default 1 (KServe's default)
   */
  readonly pipelineParallelSize?: number;

  /**
   * Tensor-parallel size: the GPUs used on each node. Must match the
   * accelerator's count when one is set.
   *
   * @default - the accelerator's GPU count, else 1 (KServe's default)
   */
  readonly tensorParallelSize?: number;
}

/** KServe's request batcher. */
export interface Batcher {
  /**
   * Largest batch sent to the model.
   *
   * @default 32 (KServe's default)
   */
  readonly maxBatchSize?: number;

  /**
   * Longest time a request waits for its batch to fill.
   *
   * @default Duration.millis(500) (KServe's default)
   */
  readonly maxLatency?: Duration;

  /**
   * Timeout of a batch call.
   *
   * @default Duration.seconds(60) (KServe's default)
   */
  readonly timeout?: Duration;
}

/** Who can reach the model. */
export enum Visibility {
  /** Reachable inside the cluster only (`networking.knative.dev/visibility: cluster-local`). */
  CLUSTER_LOCAL = 'cluster-local',
  /** Exposed through the ingress gateway. */
  EXTERNAL = 'external',
}
