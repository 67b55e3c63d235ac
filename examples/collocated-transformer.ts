// KServe's "collocation": the transformer as a second container in the
// predictor's pod (one network hop less), next to a transformer deployed as
// its own component on a CPU pool with a service account and a token from a
// Secret. The payload logger writes to S3 with request headers attached.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { EnvValue, ImagePullPolicy, Secret, ServiceAccount } from 'cdk8s-plus-28';
import { GpuNodePool, KnativeFeatures, ModelFormat, ModelStorage, PayloadLoggerMode, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'features', { namespace: 'ml' });

  new ServedModel(chart, 'churn', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/churn/v4'),
    platform: ServingPlatform.kserveStandard(),
    transformer: {
      image: 'registry.example.com/churn-transformer:1.3.0',
      port: 8000,
      args: ['--model_name=churn', '--http_port=8000', '--predictor_host=localhost:8080'],
      collocated: true,
    },
    logger: {
      url: 's3://inference-logs',
      mode: PayloadLoggerMode.ALL,
      metadataHeaders: ['X-Tenant-Id'],
      storage: { path: '/churn', serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'log-writer', 'inference-log-writer') },
    },
  });

  const feast = Secret.fromSecretName(chart, 'feast-token', 'feast-online-token');
  new ServedModel(chart, 'fraud', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromUri('s3://models/fraud/v9'),
    transformer: {
      image: 'registry.example.com/fraud-features:2.4.0',
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'feature-reader', 'feature-store-reader'),
      envVariables: { FEAST_TOKEN: EnvValue.fromSecretValue({ secret: feast, key: 'token' }) },
      nodePool: GpuNodePool.custom({ labels: { 'pool.example.com/kind': 'cpu' } }),
    },
  });

  // Knative mode pods with GPU (or pool) placement: switch on exactly the pod-spec flags they use.
  new KnativeFeatures(new Chart(app, 'knative-config'), 'features');
  return app;
}

if (require.main === module) buildApp().synth();
