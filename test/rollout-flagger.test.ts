import { Duration } from 'cdk8s';
import {
  Accelerator, CanaryRollout, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling, ServedModel, ServingPlatform,
} from '../src';
import { fraudDetector, PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';


function fraud(chart: any) {
  return fraudDetector(chart, { scaling: Scaling.scaleToZero({ maxReplicas: 10, target: 5 }), platform: ServingPlatform.knativeService() });
}

describe('CanaryRollout on a Knative Service (Flagger)', () => {
  test('a Flagger Canary with step weights, built-in metrics and MetricTemplates; the Service renders the candidate', () => {
    const chart = newChart('ml');
    const rollout = new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      stepInterval: Duration.minutes(5),
      analysis: RolloutAnalysis.prometheus({
        address: PROM,
        maxLatencyP99: Duration.millis(250),
        minSuccessRate: 99,
        checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(fraud_drift_score{namespace="{{ namespace }}"})', threshold: 0.2 })],
        failureThreshold: 3,
      }),
      requireAutomaticRollback: true,
    });
    const docs = synth(chart);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      // Templates first: Flagger needs them when it reads the Canary.
      'Service/fraud-detector', 'MetricTemplate/fraud-detector-prediction-drift', 'Canary/fraud-detector',
    ]);
    expect(rollout.engine).toBe(RolloutEngine.FLAGGER);
    expect(rollout.automaticRollback).toBe(true);
    expect(rollout.trafficPercent).toBe(5);

    const ksvc = docOf(docs, 'Service', 'fraud-detector');
    expect(ksvc.apiVersion).toBe('serving.knative.dev/v1');
    // The Knative Service shows the candidate; Flagger owns spec.traffic.
    expect(JSON.stringify(ksvc.spec.template)).toContain('s3://models/fraud/v8');
    expect(JSON.stringify(ksvc.spec.template)).not.toContain('s3://models/fraud/v7');
    expect(ksvc.spec.traffic).toBeUndefined();

    const canary = docOf(docs, 'Canary');
    expect(canary.apiVersion).toBe('flagger.app/v1beta1');
    expect(canary.metadata.namespace).toBe('ml');
    expect(canary.metadata.annotations).toEqual({ 'canary.model-serving.cdk8s.io/rollback': 'automatic: Flagger rolls back after 3 failed checks' });
    expect(canary.spec).toEqual({
      provider: 'knative',
      targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'fraud-detector' },
      metricsServer: PROM,
      analysis: {
        interval: '5m',
        threshold: 3,
        stepWeights: [5, 25, 50],
        metrics: [
          { name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' },
          { name: 'request-duration', thresholdRange: { max: 250 }, interval: '1m' },
          { name: 'prediction-drift', templateRef: { name: 'fraud-detector-prediction-drift' }, thresholdRange: { max: 0.2 }, interval: '1m' },
        ],
      },
    });
    const template = docOf(docs, 'MetricTemplate');
    expect(template.spec).toEqual({
      provider: { type: 'prometheus', address: PROM },
      query: 'max(fraud_drift_score{namespace="{{ namespace }}"})',
    });
    expect(docs).toMatchSnapshot();
  });

  test('custom latency and success-rate queries become MetricTemplates', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [10, 50],
      analysis: RolloutAnalysis.prometheus({
        address: PROM,
        maxLatencyP99: Duration.millis(300),
        minSuccessRate: 99.5,
        latencyQuery: 'my_p99_ms{namespace="{{ namespace }}"}',
        successRateQuery: 'my_success_pct',
      }),
    });
    const docs = synth(chart);
    expect(docOf(docs, 'Canary').spec.analysis.metrics).toEqual([
      { name: 'success-rate', templateRef: { name: 'fraud-detector-success-rate' }, thresholdRange: { min: 99.5 }, interval: '1m' },
      { name: 'latency-p99', templateRef: { name: 'fraud-detector-latency-p99' }, thresholdRange: { max: 300 }, interval: '1m' },
    ]);
    expect(docOf(docs, 'MetricTemplate', 'fraud-detector-latency-p99').spec.query).toBe('my_p99_ms{namespace="{{ namespace }}"}');
    expect(docOf(docs, 'MetricTemplate', 'fraud-detector-success-rate').spec.query).toBe('my_success_pct');
  });

  test('steady state: the Canary bootstraps Flagger on the stable revision', () => {
    const chart = newChart('ml');
    const rollout = new CanaryRollout(chart, 'fraud', { model: fraud(chart), steps: [20, 60] });
    const docs = synth(chart);
    expect(JSON.stringify(docOf(docs, 'Service').spec.template)).toContain('s3://models/fraud/v7');
    const canary = docOf(docs, 'Canary');
    expect(canary.spec.analysis).toEqual({ interval: '5m', threshold: 1, stepWeights: [20, 60] });
    expect(canary.metadata.annotations['canary.model-serving.cdk8s.io/rollback'])
      .toBe('automatic on failed readiness or progress deadline only: no analysis, Flagger advances on time alone');
    expect(rollout.automaticRollback).toBe(false);
  });

  test('the engine moves the steps: currentStep and rollback are refused', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', {
      model: fraud(chart), candidate: { runtimeVersion: '1.5.0' }, steps: [5], currentStep: 1,
    })).toThrow('test/r: currentStep 1 is set, but flagger moves the steps and rolls back on its own; remove it (use the engine\'s CLI to promote or abort by hand)');
  });

  test('automatic rollback needs an analysis', () => {
    const chart = newChart('ml');
    expect(() => new CanaryRollout(chart, 'r', {
      model: fraud(chart), candidate: { runtimeVersion: '1.5.0' }, steps: [5], requireAutomaticRollback: true,
    })).toThrow('test/r: analysis undefined is missing but requireAutomaticRollback is set; give an analysis for the engine to roll back on');
  });

  test('a GPU model: the progress deadline is its startup timeout', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('org/model', { revision: 'v1' }),
      accelerator: Accelerator.nvidiaGpu(),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 2 }),
      platform: ServingPlatform.knativeService(),
    });
    new CanaryRollout(chart, 'llm-v2', { model, candidate: { storage: ModelStorage.fromHuggingFace('org/model', { revision: 'v2' }) }, steps: [10, 50] });
    expect(docOf(synth(chart), 'Canary').spec.progressDeadlineSeconds).toBe(1200);
  });
});
