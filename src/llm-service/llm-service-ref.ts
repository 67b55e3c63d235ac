import { IConstruct } from 'constructs';
import { Accelerator } from '../scheduling/accelerator';
import { GpuNodePool } from '../scheduling/node-pool';

/**
 * An LLM service, as other constructs reference it (an `LlmCanary`): its
 * name, namespace and the model name clients send. Implemented by
 * {@link LlmService}.
 */
export interface ILlmService extends IConstruct {
  /** The LLMInferenceService name. */
  readonly name: string;

  /**
   * The namespace, if set (on the service or its chart).
   *
   * @default - none: kubectl's current namespace at apply time
   */
  readonly namespace?: string;

  /** What clients send as `model`. */
  readonly modelName: string;
}

/**
 * A preset of LLM service fields (`LLMInferenceServiceConfig`), as services
 * reference it in `config`. Implemented by {@link LlmServiceConfig}, also for
 * configs that exist in the cluster already (`LlmServiceConfig.fromConfigName`).
 */
export interface ILlmServiceConfig extends IConstruct {
  /** The config name services reference in `baseRefs`. */
  readonly name: string;

  /**
   * The namespace, if set (on the config or its chart).
   *
   * @default - none: kubectl's current namespace at apply time
   */
  readonly namespace?: string;

  /**
   * The accelerator the preset gives its services.
   *
   * @default - none, or unknown for a config referenced by name
   */
  readonly accelerator?: Accelerator;

  /**
   * The node pool the preset gives its services.
   *
   * @default - none, or unknown for a config referenced by name
   */
  readonly nodePool?: GpuNodePool;

  /**
   * The image the preset gives its services.
   *
   * @default - none, or unknown for a config referenced by name
   */
  readonly image?: string;
}
