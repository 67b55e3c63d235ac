import { Construct, IConstruct } from 'constructs';
import { ModelFormat } from '../model/format';
import { InferenceProtocol } from '../model/protocol';

// What a ServedModel sees of a serving runtime: the model layer resolves a
// runtime reference without importing the runtime constructs.

/** One model format a runtime serves, and whether KServe may pick the runtime for it on its own. */
export interface SupportedModelFormat {
  /** The format (and version, if pinned with `withVersion`). */
  readonly format: ModelFormat;

  /**
   * Let KServe choose this runtime for models of this format that name no runtime.
   *
   * @default false
   */
  readonly autoSelect?: boolean;

  /**
   * Priority among auto-selectable runtimes of the same format (higher wins,
   * at least 1). KServe ignores it without `autoSelect`, so it is rejected there.
   *
   * @default - none
   */
  readonly priority?: number;
}

/**
 * A KServe serving runtime a ServedModel runs on (`runtime`): a namespaced
 * {@link ServingRuntime} or a {@link ClusterServingRuntime} of this app, or
 * one that exists in the cluster already, known only by name
 * (`ServingRuntime.fromServingRuntimeName`,
 * `ClusterServingRuntime.fromClusterServingRuntimeName`).
 */
export interface IServingRuntime extends IConstruct {
  /** The resource name (what `predictor.model.runtime` holds). */
  readonly runtimeName: string;
  /** Whether this is a ClusterServingRuntime. */
  readonly clusterScoped: boolean;
  /**
   * The namespace of a namespaced runtime, if set.
   *
   * @default - no namespace (cluster-scoped, or the namespace kubectl applies to)
   */
  readonly runtimeNamespace?: string;
  /** The formats the runtime serves. */
  readonly supportedFormats: SupportedModelFormat[];
  /** The protocols the runtime speaks. */
  readonly protocols: InferenceProtocol[];
  /** Whether the runtime serves many models per pod. */
  readonly multiModel: boolean;
  /**
   * The port the runtime serves gRPC on beside REST (named `h2c` in its
   * container), if it serves both.
   *
   * @default - REST only, or gRPC only on the container's port
   */
  readonly grpcPort?: number;
  /** Whether the runtime is disabled. */
  readonly disabled: boolean;

  /**
   * Whether the runtime is known only by name (imported): its formats and
   * protocols are unknown (`supportedFormats` and `protocols` are empty),
   * so a model's format and protocol are not checked against it, and the
   * model may pin its image (`runtimeVersion`, `runtimeImage`).
   *
   * @default false
   */
  readonly imported?: boolean;
}

/**
 * A runtime that exists in the cluster already, known only by
 * name: what `ServingRuntime.fromServingRuntimeName` and
 * `ClusterServingRuntime.fromClusterServingRuntimeName` return. It writes
 * no document.
 */
export class ImportedServingRuntime extends Construct implements IServingRuntime {
  public readonly supportedFormats: SupportedModelFormat[] = [];
  public readonly protocols: InferenceProtocol[] = [];
  public readonly multiModel = false;
  public readonly disabled = false;
  public readonly imported = true;

  constructor(scope: Construct, id: string, public readonly runtimeName: string, public readonly clusterScoped: boolean) {
    super(scope, id);
  }
}
