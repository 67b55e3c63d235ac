// An A/B test between two churn models through a KServe InferenceGraph
// Splitter: 80% of requests go to the champion, 20% to the challenger, both
// pinned to the same validated serving runtime. Clients call the graph's URL;
// each model keeps its own URL for direct checks.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  GraphNode, GraphStep, InferenceGraph, InferenceProtocol, ModelFormat, ModelStorage, Scaling, ScalingMetric, ServedModel, ServingRuntime,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'churn-ab', { namespace: 'ml' });

  // Production runs exactly the server the models were validated with.
  const sklearn = new ServingRuntime(chart, 'sklearn-1-5', {
    supportedFormats: [{ format: ModelFormat.SKLEARN.withVersion('1'), autoSelect: true, priority: 2 }],
    protocols: [InferenceProtocol.V1, InferenceProtocol.V2],
    container: {
      image: 'kserve/sklearnserver:v0.15.2',
      args: ['--model_name={{.Name}}', '--model_dir=/mnt/models', '--http_port=8080'],
    },
  });

  const common = {
    format: ModelFormat.SKLEARN.withVersion('1'),
    runtime: sklearn,
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 5, target: 20 }),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'models-s3-reader', 'models-s3-reader'),
  };
  const champion = new ServedModel(chart, 'churn-2026-10', { ...common, storage: ModelStorage.fromS3({ bucket: 'ml-models', key: 'churn/2026-10' }) });
  const challenger = new ServedModel(chart, 'churn-2026-11', { ...common, storage: ModelStorage.fromS3({ bucket: 'ml-models', key: 'churn/2026-11' }) });

  new InferenceGraph(chart, 'churn', {
    root: GraphNode.splitter([
      GraphStep.model(champion, { weight: 80 }),
      GraphStep.model(challenger, { weight: 20 }),
    ]),
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4, metric: ScalingMetric.CONCURRENCY, target: 100 }),
    timeout: Duration.seconds(30),
    routerTimeouts: { serviceClient: Duration.seconds(10) },
  });

  return app;
}

if (require.main === module) buildApp().synth();
