// Rolling fraud v8 out on a plain Knative Service with Flagger: the Knative
// Service renders v8 (a new revision), Flagger shifts 5% -> 25% -> 50% -> 100%
// every 5 minutes while latency, success rate and prediction drift hold, and
// rolls back to v7 on its own after two failed checks.
// Apply once without `candidate` first, so Flagger knows v7 as the primary.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { CanaryRollout, KnativeClusterFlags, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-flagger-canary', { namespace: 'ml' });

  const fraudDetector = new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5 }),
    platform: ServingPlatform.knativeService(),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
  });
  // The model download runs as an init container, which Knative accepts only with
  // kubernetes.podspec-init-containers enabled. Here the platform team owns
  // config-features: declare the flag the cluster has instead of emitting the ConfigMap.
  new KnativeClusterFlags(chart, 'cluster-flags', { enabled: ['kubernetes.podspec-init-containers'] });

  new CanaryRollout(chart, 'fraud-v8', {
    model: fraudDetector,
    candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
    steps: [5, 25, 50],
    stepInterval: Duration.minutes(5),
    requireAutomaticRollback: true,
    analysis: RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      maxLatencyP99: Duration.millis(250),
      minSuccessRate: 99,
      checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(fraud_prediction_drift{namespace="{{ namespace }}"})', threshold: 0.2 })],
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
