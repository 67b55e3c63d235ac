// A CPU model on KServe (Knative mode) that scales to zero when idle, and a
// second model on KServe Standard mode that scales to zero through KEDA.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, ServiceAccount } from 'cdk8s-plus-28';
import {
  InferenceProtocol, ModelFormat, ModelStorage, Scaling, ScalingMetric, ServedModel, ServingPlatform, StandardAutoscaler,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud', { namespace: 'ml' });

  new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    protocol: InferenceProtocol.V2,
    resources: { cpu: Cpu.units(2), memory: Size.gibibytes(4) },
    scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5, scaleDownDelay: Duration.minutes(2) }),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
  });

  new ServedModel(chart, 'churn', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromGcs({ bucket: 'ml-models', path: 'churn/2026-11' }),
    scaling: Scaling.scaleToZero({
      maxReplicas: 4,
      target: 20,
      metric: ScalingMetric.prometheus({ query: 'sum(rate(revision_request_count{service="churn"}[1m]))', serverAddress: 'http://prometheus.monitoring:9090' }),
    }),
    platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
