// Multi-model serving: one scikit-learn InferenceService (a format and no
// storage of its own, 6 GiB) into which KServe's model agent loads three
// TrainedModels, each with its own storage and memory. The library checks
// what KServe's TrainedModel webhook checks (name, storage scheme) and what
// its controller needs before a model is Ready: the parent is a multi-model
// server and the models fit its memory limit.
// Copy this file into a cdk8s app and import from 'cdk8s-model-serving'.
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ModelFormat, ModelStorage, ServedModel, TrainedModel } from '../src';

export function buildApp(outdir?: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'scoring', { namespace: 'scoring' });

  const server = new ServedModel(chart, 'sklearn-mms', {
    format: ModelFormat.SKLEARN,
    resources: { cpu: Cpu.units(2), memory: Size.gibibytes(6) },
  });

  new TrainedModel(chart, 'churn', {
    inferenceService: server,
    storage: ModelStorage.fromS3({ bucket: 'scoring-models', key: 'churn/2026-11' }),
    memory: Size.gibibytes(2),
  });
  new TrainedModel(chart, 'fraud', {
    inferenceService: server,
    storage: ModelStorage.fromGcs({ bucket: 'scoring-models', path: 'fraud/v12' }),
    memory: Size.gibibytes(2),
  });
  new TrainedModel(chart, 'upsell', {
    inferenceService: server,
    storage: ModelStorage.fromAzureBlob({ account: 'scoringmodels', container: 'models', path: 'upsell/v3' }),
    memory: Size.mebibytes(1536),
  });

  return app;
}

if (require.main === module) buildApp().synth();
