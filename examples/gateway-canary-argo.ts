// The same rollout with Argo Rollouts and its Gateway API traffic-router
// plugin (argoproj-labs/gatewayAPI, registered in the controller's
// argo-rollouts-config ConfigMap): the library writes the HTTPRoute with the
// stable and canary Services as backends (100/0), and the plugin moves the
// weights 5% -> 25% -> 50% -> 100% of the requests through the Gateway.
// Apply once without `candidate` first, so Argo adopts v7 as the stable version.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  CanaryRollout, GatewayExposure, GatewayRef, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel, ServingCheck, ServingPlatform,
  TrafficRouter,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-argo-gateway', { namespace: 'ml' });

  const fraudDetector = new ServedModel(chart, 'fraud-detector', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/fraud/v7'),
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
    trafficRouter: TrafficRouter.gatewayApi(),
    requireAutomaticRollback: true,
    analysis: RolloutAnalysis.prometheus({
      address: 'http://prometheus.monitoring:9090',
      checks: [
        ServingCheck.requestLatency({ max: Duration.millis(250), percentile: 99 }),
        ServingCheck.errorRate({ maxPercent: 1 }),
      ],
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
