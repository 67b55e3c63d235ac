// Autoscaling an LLM on a pod metric collected by OpenTelemetry (KServe's
// PodMetric: KServe runs the collector, the KEDA OpenTelemetry add-on
// scales), and a model scaling on a Prometheus that needs a bearer token
// (a KEDA TriggerAuthentication from a Secret), with a transformer that
// scales on its own.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart } from 'cdk8s';
import { Secret } from 'cdk8s-plus-28';
import {
  Accelerator, KedaAuthentication, MetricAggregation, ModelFormat, ModelStorage, Scaling, ScalingMetric, ServedModel, ServingPlatform,
  StandardAutoscaler,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'autoscaling', { namespace: 'ml' });

  new ServedModel(chart, 'chat', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromHuggingFace('Qwen/Qwen2.5-7B-Instruct'),
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.autoscale({
      minReplicas: 1,
      maxReplicas: 6,
      target: 4,
      metric: ScalingMetric.openTelemetry({ metricName: 'vllm:num_requests_running', operationOverTime: MetricAggregation.AVG }),
    }),
  });

  const token = Secret.fromSecretName(chart, 'prometheus-token', 'prometheus-reader-token');
  new ServedModel(chart, 'fraud', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromUri('s3://models/fraud/v9'),
    platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }),
    scaling: Scaling.autoscale({
      minReplicas: 1,
      maxReplicas: 8,
      target: 50,
      metric: ScalingMetric.prometheus({
        query: 'sum(rate(request_count{service="fraud-predictor"}[1m]))',
        serverAddress: 'https://prometheus.monitoring:9090',
        authentication: KedaAuthentication.bearer({ secret: token }),
      }),
    }),
    transformer: {
      image: 'registry.example.com/fraud-features:2.4.0',
      scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 10, metric: ScalingMetric.CPU, target: 70 }),
    },
  });

  return app;
}

if (require.main === module) buildApp().synth();
