// Rolling fraud v8 out on a Kubernetes Deployment with Argo Rollouts: the
// Rollout takes over the Deployment (workloadRef), which renders v8; Argo
// moves 5% -> 25% -> 50% -> 100% of the pods every 5 minutes and aborts back
// to v7 when the background analysis fails. The HPA scales the Rollout.
// Apply once without `candidate` first, so Argo adopts v7 as the stable version.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { CanaryRollout, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-argo-canary', { namespace: 'ml' });

  const fraudDetector = new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    // 20 pods: 5% is one pod (weights follow pod counts without a traffic router).
    scaling: Scaling.autoscale({ minReplicas: 20, maxReplicas: 40 }),
    platform: ServingPlatform.kubernetesDeployment(),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
  });

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
      checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(fraud_prediction_drift{namespace="{{args.namespace}}",pod=~"fraud-detector-{{args.canary-hash}}-.*"})', threshold: 0.2 })],
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
