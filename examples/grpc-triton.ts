// gRPC serving with Triton, three ways: KServe's built-in Triton runtime in
// Knative mode (gRPC V2 on an h2c port), KServe's kserve-tritonserver
// runtime named explicitly (grpcPort says which port it opens), and
// Standard mode serving REST and gRPC together.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { Accelerator, ClusterServingRuntime, InferenceProtocol, KnativeFeatures, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'vision', { namespace: 'ml' });

  // KServe picks Triton for ONNX; its gRPC port (9000) is named h2c so Knative routes HTTP/2.
  new ServedModel(chart, 'resnet', {
    format: ModelFormat.ONNX,
    storage: ModelStorage.fromUri('s3://models/resnet50/onnx'),
    protocol: InferenceProtocol.GRPC_V2,
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4 }),
  });

  // A runtime named by string: the library cannot know its port, so it is given.
  new ServedModel(chart, 'detector', {
    format: ModelFormat.TRITON,
    runtime: ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'kserve-tritonserver', 'kserve-tritonserver'),
    storage: ModelStorage.fromUri('s3://models/detector/triton-repo'),
    protocol: InferenceProtocol.GRPC_V2,
    grpcPort: 9000,
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
  });

  // Standard mode: REST on the Service's port 80, gRPC on 9000 (appProtocol kubernetes.io/h2c).
  new ServedModel(chart, 'classifier', {
    format: ModelFormat.TRITON,
    storage: ModelStorage.fromUri('s3://models/classifier/triton-repo'),
    protocol: InferenceProtocol.GRPC_V2,
    restAndGrpc: true,
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.fixedReplicas(2),
  });

  // Knative mode pods with GPU (or pool) placement: switch on exactly the pod-spec flags they use.
  new KnativeFeatures(new Chart(app, 'knative-config'), 'features');
  return app;
}

if (require.main === module) buildApp().synth();
