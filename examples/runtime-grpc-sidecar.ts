// A pinned Triton runtime that speaks REST and gRPC at once (REST on 8080
// named http1, gRPC on 9000 named h2c, so KServe's Service routes both) with
// a metrics-exporter sidecar, an HF token from a Secret, registry
// credentials by reference and a numeric user for an image whose user is
// not numeric. An ONNX model uses it in KServe Standard mode: Knative routes
// one port per pod, so a REST+gRPC runtime is for Standard mode only.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, ImagePullPolicy, Secret } from 'cdk8s-plus-28';
import {
  InferenceProtocol, ModelFormat, ModelStorage, PodSecurity, ServedModel, ServingPlatform, ServingRuntime,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'vision', { namespace: 'vision' });

  const triton = new ServingRuntime(chart, 'triton-24-08', {
    supportedFormats: [{ format: ModelFormat.ONNX.withVersion('1'), autoSelect: true, priority: 5 }],
    protocols: [InferenceProtocol.V2, InferenceProtocol.GRPC_V2],
    container: {
      image: 'nvcr.io/nvidia/tritonserver:24.08-py3',
      args: ['tritonserver', '--model-store=/mnt/models', '--http-port=8080', '--grpc-port=9000', '--allow-grpc=true', '--allow-http=true'],
      resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
      envVariables: {
        HF_TOKEN: EnvValue.fromSecretValue({ secret: Secret.fromSecretName(chart, 'hf-token', 'hf-token'), key: 'token' }),
      },
    },
    grpcPort: 9000,
    imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
    imagePullSecrets: [Secret.fromSecretName(chart, 'ngc-pull', 'ngc-registry')],
    // Triton's image user is not numeric: the kubelet needs a uid to enforce runAsNonRoot.
    podSecurity: PodSecurity.restricted({ runAsUser: 1000 }),
    podLabels: { 'monitoring.example.com/scrape': 'triton' },
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8002' },
    sidecars: [{
      name: 'metrics-exporter',
      image: 'registry.example.com/triton-metrics-exporter:1.4.0',
      args: ['--triton-url=http://localhost:8002', '--listen=:9400'],
      resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) },
    }],
  });

  new ServedModel(chart, 'detector', {
    format: ModelFormat.ONNX.withVersion('1'),
    protocol: InferenceProtocol.GRPC_V2,
    storage: ModelStorage.fromS3({ bucket: 'vision-models', key: 'detector/v7' }),
    runtime: triton,
    resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
    platform: ServingPlatform.kserveStandard(),
  });

  return app;
}

if (require.main === module) buildApp().synth();
