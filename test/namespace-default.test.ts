/**
 * A model without a namespace: the documents carry none (kubectl applies
 * them to its current namespace), while `url`/`hostname` name `default`, as
 * the TSDoc of `namespace` and the README say.
 */
import { GraphNode, GraphStep, InferenceGraph, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform } from '../src';
import { newChart, synth } from './util';

describe('namespace default', () => {
  test.each([
    ['kserve', ServingPlatform.kserve()],
    ['kserveStandard', ServingPlatform.kserveStandard()],
    ['knativeService', ServingPlatform.knativeService()],
    ['kubernetesDeployment', ServingPlatform.kubernetesDeployment()],
  ])('%s: no namespace in any document, url names "default"', (_id, platform) => {
    const chart = newChart();
    const model = new ServedModel(chart, 'churn', {
      format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/churn/v1'), platform, scaling: Scaling.fixedReplicas(1),
    });
    const docs = synth(chart);
    expect(docs.length).toBeGreaterThan(0);
    for (const d of docs) expect(d.metadata).not.toHaveProperty('namespace');
    expect(model.namespace).toBeUndefined();
    expect(model.hostname).toBe('churn.default.svc.cluster.local');
    expect(model.url).toBe('http://churn.default.svc.cluster.local');
  });

  test('the chart namespace, when set, is the one in the documents and the url', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'churn', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/churn/v1') });
    expect(synth(chart).map((d) => d.metadata.namespace)).toEqual(['ml']);
    expect(model.url).toBe('http://churn.ml.svc.cluster.local');
  });

  test('an inference graph without a namespace: none in the document, url names "default"', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'churn', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/churn/v1') });
    const graph = new InferenceGraph(chart, 'router', { root: GraphNode.sequence([GraphStep.model(model)]) });
    const doc = synth(chart).find((d) => d.kind === 'InferenceGraph');
    expect(doc.metadata).not.toHaveProperty('namespace');
    expect(graph.url).toBe('http://router.default.svc.cluster.local');
  });
});
