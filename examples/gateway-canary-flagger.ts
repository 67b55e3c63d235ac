// Rolling fraud v8 out on a Kubernetes Deployment with Flagger over Gateway
// API: Flagger (provider gatewayapi:v1) copies the Deployment to
// fraud-detector-primary, writes the Services and the HTTPRoute on the
// `inference` Gateway, and moves 5% -> 25% -> 50% -> 100% of the REQUESTS
// every 5 minutes, whatever the pod count, rolling back when the analysis
// fails. Apply once without `candidate` first, so Flagger adopts v7.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  CanaryRollout, GatewayExposure, GatewayRef, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling, ServedModel, ServingPlatform,
  TrafficRouter,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-flagger-gateway', { namespace: 'ml' });

  const fraudDetector = new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
    // 3 pods: without a router 5% would be 0% or 33%; through the Gateway it is 5% of requests.
    scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
    platform: ServingPlatform.kubernetesDeployment(),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
    gateway: GatewayExposure.route({
      gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })],
      hostnames: ['fraud.models.example.com'],
      requestTimeout: Duration.seconds(10),
    }),
  });

  new CanaryRollout(chart, 'fraud-v8', {
    model: fraudDetector,
    candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
    steps: [5, 25, 50],
    stepInterval: Duration.minutes(5),
    engine: RolloutEngine.FLAGGER,
    trafficRouter: TrafficRouter.gatewayApi(),
    requireAutomaticRollback: true,
    analysis: RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      maxLatencyP99: Duration.millis(250),
      minSuccessRate: 99,
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
