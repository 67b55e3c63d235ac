import { Duration } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { CanaryRollout, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServingPlatform } from '../src';
import { fraudDetector, fraudV8, PROM } from './fixtures/rollout';
import { newChart } from './util';


function setup(platform?: ServingPlatform) {
  const chart = newChart('ml');
  const model = fraudDetector(chart, { format: ModelFormat.XGBOOST, scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 4 }), platform });
  return { chart, model };
}

const v8 = fraudV8();

describe('CanaryRollout bad input', () => {
  test.each([
    [[], 'test/r: steps [] is empty; give at least one traffic percent, e.g. [5, 25, 50]'],
    [[5, 5], 'test/r: steps[1] 5 is not above the step before (5); make the steps strictly increasing'],
    [[25, 5], 'test/r: steps[1] 5 is not above the step before (25); make the steps strictly increasing'],
    [[0, 50], 'test/r: steps[0] 0 is outside 1..99; use whole percentages from 1 to 99 (100 follows the last step)'],
    [[5, 100], 'test/r: steps[1] 100 is outside 1..99; use whole percentages from 1 to 99 (100 follows the last step)'],
    [[5.5], 'test/r: steps[0] 5.5 is outside 1..99; use whole percentages from 1 to 99 (100 follows the last step)'],
  ])('steps %j', (steps, message) => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: v8, steps: steps as number[] })).toThrow(message);
  });

  test('a candidate identical to the stable model', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v7') }, steps: [5] }))
      .toThrow('test/r: candidate ["storage"] resolves to the same model as the stable one; '
        + 'change storage, format, runtimeVersion, runtimeImage, server or another prop, or drop candidate for the steady state');
    const other = setup();
    expect(() => new CanaryRollout(other.chart, 'r', { model: other.model, candidate: {}, steps: [5] }))
      .toThrow('test/r: candidate [] resolves to the same model as the stable one');
  });

  test('a bad candidate is reported on the rollout', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: { envVariables: { '1BAD': EnvValue.fromValue('x') } }, steps: [5] }))
      .toThrow('test/r: envVariables name "1BAD" is not a valid environment variable name');
  });

  test('automatic rollback required on KServe', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', {
      model, candidate: v8, steps: [5], requireAutomaticRollback: true, analysis: RolloutAnalysis.prometheus({ address: PROM, minSuccessRate: 99 }),
    })).toThrow('test/r: requireAutomaticRollback true cannot be met: no engine rolls back automatically on KServe (Knative mode); '
      + 'use ServingPlatform.knativeService() (Flagger) or ServingPlatform.kubernetesDeployment() (Argo Rollouts), or accept alert-driven manual rollback');
    const std = setup(ServingPlatform.kserveStandard({}));
    expect(() => new CanaryRollout(std.chart, 'r', { model: std.model, candidate: v8, steps: [5], requireAutomaticRollback: true }))
      .toThrow('no engine rolls back automatically on KServe (Standard mode)');
  });

  test('the analysis must fit in a step', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', {
      model,
      candidate: v8,
      steps: [5],
      stepInterval: Duration.minutes(1),
      analysis: RolloutAnalysis.prometheus({ address: PROM, minSuccessRate: 99, interval: Duration.minutes(2) }),
    })).toThrow('test/r: analysis.interval "120s" is longer than stepInterval (60s); check at least once per step: use an interval <= stepInterval');
  });

  test('stepInterval out of range', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: v8, steps: [5], stepInterval: Duration.seconds(5) }))
      .toThrow('test/r: stepInterval "5s" is out of range; use whole seconds from 10 seconds to 24 hours');
  });

  test('currentStep beyond the schedule', () => {
    const { chart, model } = setup();
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: v8, steps: [5, 50], currentStep: 3 }))
      .toThrow('test/r: currentStep 3 is not allowed; use a whole number from 0 to 2');
  });

  test('two rollouts on one model', () => {
    const { chart, model } = setup();
    new CanaryRollout(chart, 'a', { model, candidate: v8, steps: [5] });
    expect(() => new CanaryRollout(chart, 'b', { model, candidate: v8, steps: [5] }))
      .toThrow('test/b: model "test/fraud-detector" already has the canary rollout "a"; roll out one candidate at a time per model');
  });

  test('promoteStep out of range', () => {
    const { chart, model } = setup();
    const r = new CanaryRollout(chart, 'r', { model, candidate: v8, steps: [5] });
    expect(() => r.promoteStep(2)).toThrow('test/r: promoteStep index 2 is not allowed; use a whole number from 0 to 1');
  });
});

describe('RolloutAnalysis and MetricCheck bad input', () => {
  test.each([
    [{ address: 'prometheus:9090', minSuccessRate: 99 },
      'RolloutAnalysis.prometheus: address "prometheus:9090" is not an http(s) URL; use the Prometheus base URL, e.g. http://prometheus.monitoring:9090'],
    [{ address: PROM, minSuccessRate: 0 }, 'RolloutAnalysis.prometheus: minSuccessRate 0 is out of range; use a percentage above 0 and at most 100, e.g. 99 or 99.9'],
    [{ address: PROM, minSuccessRate: 101 }, 'RolloutAnalysis.prometheus: minSuccessRate 101 is out of range'],
    [{ address: PROM, maxLatencyP99: Duration.millis(0) }, 'RolloutAnalysis.prometheus: maxLatencyP99 "0ms" is out of range; use whole milliseconds from 1 ms to 10 minutes'],
    [{ address: PROM, maxLatencyP99: Duration.minutes(11) }, 'RolloutAnalysis.prometheus: maxLatencyP99 "660000ms" is out of range'],
    [{ address: PROM }, 'RolloutAnalysis.prometheus: options "no checks" checks nothing; set maxLatencyP99, minSuccessRate or checks'],
    [{ address: PROM, minSuccessRate: 99, failureThreshold: 0 }, 'RolloutAnalysis.prometheus: failureThreshold 0 is not allowed; use a whole number from 1 to 100'],
    [{ address: PROM, minSuccessRate: 99, interval: Duration.seconds(5) }, 'RolloutAnalysis.prometheus: interval "5s" is out of range; use whole seconds from 10 seconds to 1 hour'],
    [{ address: PROM, minSuccessRate: 99, latencyQuery: 'x' }, 'RolloutAnalysis.prometheus: latencyQuery "x" has no threshold; set maxLatencyP99 too'],
    [{ address: PROM, checks: [MetricCheck.max({ name: 'a', query: 'q', threshold: 1 }), MetricCheck.min({ name: 'a', query: 'q', threshold: 0 })] }, 'RolloutAnalysis.prometheus: checks "a" is used twice; give every check a unique name'],
  ])('analysis %#', (options, message) => {
    // The error surfaces when the analysis is used (here: read); a rollout re-raises it after its path.
    expect(() => RolloutAnalysis.prometheus(options as any).address).toThrow(message);
  });

  test('metric checks', () => {
    expect(() => MetricCheck.max({ name: 'Drift', query: 'q', threshold: 1 }).name).toThrow('MetricCheck.max: name "Drift" is not a valid DNS-1123 label');
    expect(() => MetricCheck.max({ name: 'request-duration', query: 'q', threshold: 1 }).name)
      .toThrow('MetricCheck.max: name "request-duration" is reserved for the built-in latency and success-rate checks; choose another name, or use maxLatencyP99 / minSuccessRate');
    expect(() => MetricCheck.min({ name: 'drift', query: ' ', threshold: 1 }).name).toThrow('MetricCheck.min: query " " is not a valid value; use a non-empty string without surrounding whitespace');
    expect(() => MetricCheck.max({ name: 'drift', query: 'q', threshold: Number.NaN }).name).toThrow('MetricCheck.max: threshold NaN is not a finite number; use a finite number');
    expect(() => MetricCheck.max({ name: 'drift', query: 'q', threshold: undefined as any }).name).toThrow('MetricCheck.max: threshold undefined is missing; use a finite number');
    expect(() => MetricCheck.between({ name: 'drift', query: 'q', min: 2, max: 1 }).name).toThrow('MetricCheck.between: min 2 is above max (1); use min <= max');
    const c = MetricCheck.between({ name: 'drift', query: 'q', min: 0, max: 1 });
    expect([c.name, c.query]).toEqual(['drift', 'q']);
  });
});
