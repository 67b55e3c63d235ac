import { Size, SizeRoundingBehavior } from 'cdk8s';
import { ISecret } from 'cdk8s-plus-28';
import { IPlatformCompiler } from './compiler';
import { KubernetesDeploymentCompiler } from './deployment';
import { KnativeServiceCompiler } from './knative-service';
import { KServeKnativeCompiler, KServeStandardCompiler, StandardAutoscaler } from './kserve';
import { ModelServer } from './model-server-images';
import { StandaloneOptions } from './pod';
import { fail } from '../internal/errors';
import { checkImage } from '../internal/names';
import { binaryQuantity } from '../internal/units';
import { secretName } from '../security/references';

/** Options for {@link ServingPlatform.kserveStandard}. */
export interface KServeStandardOptions {
  /**
   * The autoscaler KServe creates for the predictor.
   *
   * @default - KEDA when the model scales to zero or on a Prometheus metric, none for Scaling.fixedReplicas, HPA otherwise
   */
  readonly autoscaler?: StandardAutoscaler;
}

/**
 * Options for {@link ServingPlatform.knativeService} and
 * {@link ServingPlatform.kubernetesDeployment}: the platforms that run the
 * model server and the model download themselves.
 */
export interface ModelServerOptions {
  /**
   * The model server for the format.
   *
   * @default - by format: KServe's servers for sklearn, xgboost, lightgbm and pmml; MLServer for mlflow;
   * TensorFlow Serving for tensorflow on V1 (Triton on V2); TorchServe for pytorch; Triton for onnx,
   * tensorrt and triton; KServe's Hugging Face server for huggingface
   */
  readonly modelServer?: ModelServer;

  /**
   * The model server image, replacing the pinned default (a mirror, or a
   * newer build). The server's args and ports stay.
   *
   * @default - the server's pinned image (GPU build for GPU accelerators)
   */
  readonly modelServerImage?: string;

  /**
   * The image of the init container that downloads `storage` into
   * `/mnt/models`; it gets the storage URI and `/mnt/models` as arguments.
   *
   * @default 'kserve/storage-initializer:v0.16.0'
   */
  readonly storageInitializerImage?: string;

  /**
   * A Secret whose keys become the storage initializer's environment, e.g.
   * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ENDPOINT_URL`,
   * `AZURE_STORAGE_ACCESS_KEY` or `HF_TOKEN`. A Secret that exists in the
   * cluster already is referenced with cdk8s-plus
   * `Secret.fromSecretName(scope, id, name)`; only its name is written.
   *
   * @default - none: credentials come from the pod's service account (IRSA, Workload Identity)
   */
  readonly storageCredentials?: ISecret;

  /**
   * Size limit of the volume the model is downloaded into.
   *
   * @default - no limit (the node's ephemeral storage)
   */
  readonly modelStoreSizeLimit?: Size;
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
    // Platforms hold no state: the default one is shared by every model.
    return (ServingPlatform.defaultKServe ??= new ServingPlatform(new KServeKnativeCompiler()));
  }

  /**
   * KServe in Standard mode: an InferenceService backed by a Deployment, a
   * Service and an HPA or KEDA ScaledObject (created by KServe).
   * @param options the autoscaler KServe creates
   */
  public static kserveStandard(options: KServeStandardOptions = {}): ServingPlatform {
    return new ServingPlatform(new KServeStandardCompiler(options.autoscaler));
  }

  /**
   * A plain Knative Service (`serving.knative.dev/v1`) running the model
   * server, with an init container that downloads the model: request-driven
   * autoscaling and scale-to-zero without KServe, and traffic that Flagger
   * can shift. Needs Knative feature flags for init containers, PVCs and
   * GPU placement (nodeSelector, tolerations, affinity).
   * @param options model server, images, credentials and model store size
   */
  public static knativeService(options: ModelServerOptions = {}): ServingPlatform {
    return new ServingPlatform(new KnativeServiceCompiler(resolveOptions('ServingPlatform.knativeService', options)));
  }

  /**
   * Plain Kubernetes: a Deployment running the model server (with the model
   * download), a ClusterIP Service, an HPA (cpu, memory) or a KEDA
   * ScaledObject (Prometheus metrics, scale-to-zero), and a
   * PodDisruptionBudget when two or more replicas stay up.
   * @param options model server, images, credentials and model store size
   */
  public static kubernetesDeployment(options: ModelServerOptions = {}): ServingPlatform {
    return new ServingPlatform(new KubernetesDeploymentCompiler(resolveOptions('ServingPlatform.kubernetesDeployment', options)));
  }

  /** @internal */
  public static _custom(compiler: IPlatformCompiler): ServingPlatform {
    return new ServingPlatform(compiler);
  }

  private static defaultKServe?: ServingPlatform;

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

function resolveOptions(scope: string, o: ModelServerOptions): StandaloneOptions {
  for (const [prop, image] of [['modelServerImage', o.modelServerImage], ['storageInitializerImage', o.storageInitializerImage]] as const) {
    if (image !== undefined) checkImage(scope, prop, image);
  }
  const storageCredentialsSecret = secretName(scope, 'storageCredentials', o.storageCredentials);
  const kib = o.modelStoreSizeLimit?.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (kib !== undefined && !(kib >= 1024)) fail(scope, 'modelStoreSizeLimit', `${kib}Ki`, 'is too small', 'use at least 1 MiB');
  return {
    modelServer: o.modelServer,
    modelServerImage: o.modelServerImage,
    storageInitializerImage: o.storageInitializerImage,
    storageCredentialsSecret,
    modelStoreSizeLimit: kib !== undefined ? binaryQuantity(kib, 'Ki', 'Gi') : undefined,
  };
}
