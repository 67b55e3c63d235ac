// A churn model on plain Kubernetes, reached from outside through the
// cluster's shared Gateway API Gateway (Istio, Envoy Gateway, kgateway,
// Cilium, GKE...): an HTTPRoute for churn.models.example.com/v2/models/churn
// with a 30 s request timeout. The Gateway only admits routes from its own
// namespace, so the route lives there and a ReferenceGrant in `ml` lets it
// reach the model's Service.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import { GatewayExposure, GatewayRef, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'churn-public', { namespace: 'ml' });

  new ServedModel(chart, 'churn', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn/v3' }),
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6 }),
    platform: ServingPlatform.kubernetesDeployment(),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
    gateway: GatewayExposure.route({
      gateways: [GatewayRef.of('public', { namespace: 'gateway-system', sectionName: 'https' })],
      hostnames: ['churn.models.example.com'],
      pathPrefix: '/v2/models/churn',
      requestTimeout: Duration.seconds(30),
      routeNamespace: 'gateway-system',
    }),
  });

  return app;
}

if (require.main === module) buildApp().synth();
