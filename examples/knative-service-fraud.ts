// Models on a plain Knative Service, without KServe: the same ServedModel
// props, with the model server and the model download that KServe would
// otherwise provide. An XGBoost fraud model scales to zero and pulls its
// model from S3 with keys from a Secret; a Hugging Face LLM runs on an L4 GPU
// pool. Flagger can shift traffic between the revisions of these Services.
// KnativeFeatures enables the pod-spec flags they need (GPU placement by
// itself; init containers for the storage initializer, emptyDir volumes).
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, Secret } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, GpuProduct, KnativeFeatures, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const models = new Chart(app, 'models', { namespace: 'ml' });
  // Secrets that exist in the cluster already: referenced by name, never written here.
  const s3Credentials = Secret.fromSecretName(models, 's3-credentials', 'models-s3-credentials');
  const hfToken = Secret.fromSecretName(models, 'hf-token', 'hf-token');

  // kserve/xgbserver with a storage-initializer init container; idle -> zero pods.
  new ServedModel(models, 'fraud-detector', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' }),
    resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
    scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5, scaleDownDelay: Duration.minutes(2) }),
    containerConcurrency: 8,
    timeout: Duration.seconds(30),
    platform: ServingPlatform.knativeService({ storageCredentials: s3Credentials }),
  });

  // KServe's Hugging Face server (vLLM, GPU build) on one L4; HF_TOKEN comes from the Secret.
  new ServedModel(models, 'assistant', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromHuggingFace('Qwen/Qwen2.5-7B-Instruct', { revision: 'a09a35458c702b33eeacc393d103063234e8bc28' }),
    accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }),
    nodePool: GpuNodePool.gke('nvidia-l4'),
    resources: { cpu: Cpu.units(4), memory: Size.gibibytes(24) },
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3, target: 4 }),
    platform: ServingPlatform.knativeService({ storageCredentials: hfToken, modelStoreSizeLimit: Size.gibibytes(40) }),
  });

  new KnativeFeatures(new Chart(app, 'knative-config'), 'features');
  return app;
}

if (require.main === module) buildApp().synth();
