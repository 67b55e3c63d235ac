import { IConstruct } from 'constructs';
import { InferenceProtocol } from './protocol';
import type { ServingPlatform } from '../platforms/platform';

/**
 * A served model, as other constructs reference it (a `CanaryRollout`, an
 * `InferenceGraph` step, a `ModelNetworkPolicy`, ...): its name, where it
 * runs and how callers reach it. Implemented by {@link ServedModel}.
 */
export interface IServedModel extends IConstruct {
  /** The name of the main resource (the InferenceService name on KServe). */
  readonly name: string;

  /**
   * The namespace, if set (on the model or its chart).
   *
   * @default - none: kubectl's current namespace at apply time
   */
  readonly namespace?: string;

  /** The serving platform. */
  readonly platform: ServingPlatform;

  /** The in-cluster host name callers use: `{name}.{namespace}.svc.cluster.local`. */
  readonly hostname: string;

  /** The base URL callers use: `http://{hostname}`. */
  readonly url: string;

  /** The inference protocol the model speaks. */
  readonly protocol: InferenceProtocol;

  /** The path a client posts inference requests to. */
  readonly inferPath: string;

  /** The server health path (V2: `/v2/health/ready`). */
  readonly healthPath: string;

  /** The model readiness path (V2: `/v2/models/{name}/ready`). */
  readonly readyPath: string;
}
