import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';

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

/** A container that runs next to (or instead of) the model server. */
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
   * Environment variables (plain values; credentials by reference go in the model's `envVariables`, e.g. `EnvValue.fromSecretValue`).
   *
   * @default - none
   */
  readonly env?: Record<string, string>;

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

/** Which payloads the payload logger sends. */
export enum PayloadLoggerMode {
  /** Requests and responses. */
  ALL = 'all',
  /** Requests only. */
  REQUEST = 'request',
  /** Responses only. */
  RESPONSE = 'response',
}

/** KServe's payload logger: copies inference payloads as CloudEvents to a sink (drift and quality monitoring). */
export interface PayloadLogger {
  /** The sink URL, e.g. a Knative broker or a drift detector. */
  readonly url: string;

  /**
   * What to log.
   *
   * @default PayloadLoggerMode.ALL
   */
  readonly mode?: PayloadLoggerMode;
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
