// A fraud-scoring pipeline as a KServe InferenceGraph (Standard mode) that
// calls services this app does not declare: the feature transformer another
// team runs as an InferenceService in the same namespace (called by name), and
// a case-management service outside the cluster (called by URL). Only the
// fraud model is declared here. The router has its own resources, CPU-based
// autoscaling, a dedicated node pool and a service account.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu, ServiceAccount } from 'cdk8s-plus-28';
import {
  GpuNodePool, GraphDeploymentMode, GraphNode, GraphStep, InferenceGraph, ModelFormat, ModelStorage, Scaling, ScalingMetric, ServedModel,
  ServingPlatform, StepData, StepDependency,
} from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'fraud-scoring', { namespace: 'fraud' });

  const model = new ServedModel(chart, 'fraud-xgb', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromS3({ bucket: 'ml-models', key: 'fraud/xgb/2026-11' }),
    platform: ServingPlatform.kserveStandard(),
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.CPU, target: 70 }),
  });

  new InferenceGraph(chart, 'fraud-scoring', {
    root: GraphNode.sequence([
      // Owned by the data platform team: KServe looks it up in this namespace and waits until it is Ready.
      GraphStep.inferenceService('feature-transformer', { name: 'features', dependency: StepDependency.HARD }),
      // The transformer answers with `predictions`; the V1 model reads `instances`.
      GraphStep.model(model, { name: 'score', data: StepData.RESPONSE, mapPredictionsToInstances: true, dependency: StepDependency.HARD }),
      // Best effort: a triage outage must not fail the scoring request.
      GraphStep.url('https://case-manager.risk.example.com/v1/models/triage:predict', {
        name: 'triage', data: StepData.RESPONSE, mapPredictionsToInstances: true, dependency: StepDependency.SOFT,
      }),
    ]),
    mode: GraphDeploymentMode.STANDARD,
    resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(256) },
    scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 10, metric: ScalingMetric.CPU, target: 60 }),
    nodePool: GpuNodePool.custom({ labels: { 'node-pool': 'routers' }, taints: [{ key: 'dedicated', value: 'routers' }] }),
    serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'router-sa', 'fraud-graph-router'),
    routerTimeouts: { serverWrite: Duration.seconds(30), serviceClient: Duration.seconds(10) },
  });

  return app;
}

if (require.main === module) buildApp().synth();
