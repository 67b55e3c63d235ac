// Rolling fraud v8 out on KServe (Knative mode): the InferenceService sends
// 5% to v8 with tag routing; KServe does not roll back on metrics, so the
// analysis becomes PrometheusRule alerts and the promotion is code: raise
// `currentStep` (5 -> 25 -> 50 -> 100) or set `rollback: true` and apply.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { CanaryRollout, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-kserve-canary', { namespace: 'ml' });

  const fraudDetector = new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5 }),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
  });

  new CanaryRollout(chart, 'fraud-v8', {
    model: fraudDetector,
    candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
    steps: [5, 25, 50],
    stepInterval: Duration.minutes(5),
    currentStep: 0,
    analysis: RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      maxLatencyP99: Duration.millis(250),
      minSuccessRate: 99,
      checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(fraud_prediction_drift{model="fraud-detector"})', threshold: 0.2 })],
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
