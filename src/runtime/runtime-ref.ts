import { IConstruct } from 'constructs';
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
 * A KServe serving runtime a ServedModel can reference by object
 * (`servingRuntime`): a namespaced {@link ServingRuntime} or a
 * {@link ClusterServingRuntime}.
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
}
