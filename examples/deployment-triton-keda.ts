// Models as plain Kubernetes objects, for clusters without KServe or Knative
// (and for Argo Rollouts, which takes a Deployment over with workloadRef).
// An ONNX model on Triton with a GPU keeps two replicas (HPA, a
// PodDisruptionBudget, spread over nodes and zones) and speaks gRPC; a
// scikit-learn model on MLServer scales to zero through a KEDA ScaledObject
// on a Prometheus query; a model already on a PVC is mounted directly.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Size } from 'cdk8s';
import { Cpu, Secret, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, InferenceProtocol, ModelFormat, ModelServer, ModelStorage, Scaling, ScalingMetric, ServedModel, ServingPlatform,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'models', { namespace: 'ml' });

  new ServedModel(chart, 'image-embedder', {
    format: ModelFormat.ONNX,
    protocol: InferenceProtocol.GRPC_V2,
    storage: ModelStorage.fromGcs({ bucket: 'ml-models', path: 'image-embedder/triton-repo/v4' }),
    accelerator: Accelerator.nvidiaGpu(),
    nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g5' }),
    resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) },
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.CPU, target: 60 }),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-gcs-reader', 'models-gcs-reader'),
    platform: ServingPlatform.kubernetesDeployment(),
  });

  new ServedModel(chart, 'churn', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromS3({ bucket: 'ml-models', key: 'churn/2026-11' }),
    scaling: Scaling.scaleToZero({
      maxReplicas: 4,
      target: 20,
      metric: ScalingMetric.prometheus({ query: 'sum(rate(mlserver_requests_total{service="churn"}[2m]))', serverAddress: 'http://prometheus.monitoring:9090' }),
    }),
    platform: ServingPlatform.kubernetesDeployment({ modelServer: ModelServer.MLSERVER, storageCredentials: Secret.fromSecretName(chart, 's3-credentials', 'models-s3-credentials') }),
  });

  new ServedModel(chart, 'ranker', {
    format: ModelFormat.LIGHTGBM,
    storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'shared-models', path: 'ranker/v12' }),
    scaling: Scaling.fixedReplicas(3),
    platform: ServingPlatform.kubernetesDeployment(),
  });

  return app;
}

if (require.main === module) buildApp().synth();
