import { IPlatformCompiler } from './compiler';
import { KServeCompiler, StandardAutoscaler } from './kserve';

/** Options for {@link ServingPlatform.kserveStandard}. */
export interface KServeStandardOptions {
  /**
   * The autoscaler KServe creates for the predictor.
   *
   * @default - KEDA when the model scales to zero or on a Prometheus metric, none for Scaling.fixed, HPA otherwise
   */
  readonly autoscaler?: StandardAutoscaler;
}

/**
 * The engine that serves a model. The same ServedModel props compile to any
 * platform; only the documents differ.
 */
export class ServingPlatform {
  /**
   * KServe in Knative (serverless) mode: an InferenceService whose predictor
   * runs as a Knative Service, with request-driven autoscaling and
   * scale-to-zero. The default.
   */
  public static kserve(): ServingPlatform {
    return new ServingPlatform(new KServeCompiler('Knative', undefined));
  }

  /**
   * KServe in Standard mode: an InferenceService backed by a Deployment, a
   * Service and an HPA or KEDA ScaledObject (created by KServe).
   */
  public static kserveStandard(options: KServeStandardOptions = {}): ServingPlatform {
    return new ServingPlatform(new KServeCompiler('Standard', options.autoscaler));
  }

  /** @internal */
  public static _custom(compiler: IPlatformCompiler): ServingPlatform {
    return new ServingPlatform(compiler);
  }

  private constructor(
    /** @internal */
    public readonly _compiler: IPlatformCompiler,
  ) {}

  /** A stable id: `kserve`, `kserve-standard`, `knative-service` or `kubernetes-deployment`. */
  public get id(): string {
    return this._compiler.id;
  }

  /** Whether the model's pods run under Knative. */
  public get isKnative(): boolean {
    return this._compiler.knative;
  }
}
