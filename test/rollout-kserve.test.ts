import { Duration, Size } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { CanaryRollout, MetricCheck, ModelFormat, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling, ServingPlatform } from '../src';
import { fraudDetector, PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';


function fraud(chart: any, platform?: ServingPlatform) {
  return fraudDetector(chart, {
    format: ModelFormat.XGBOOST,
    scaling: platform ? Scaling.autoscale({ minReplicas: 2, maxReplicas: 6 }) : Scaling.scaleToZero({ maxReplicas: 10, target: 5 }),
    platform,
  });
}

function analysis() {
  return RolloutAnalysis.prometheus({
    address: PROM,
    maxLatencyP99: Duration.millis(250),
    minSuccessRate: 99,
    checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(fraud_drift_score)', threshold: 0.2 })],
  });
}

describe('CanaryRollout on KServe (Knative mode)', () => {
  test('the InferenceService shows the candidate at the first step, with tag routing', () => {
    const chart = newChart('ml');
    const model = fraud(chart);
    const rollout = new CanaryRollout(chart, 'fraud-v8', {
      model,
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      stepInterval: Duration.minutes(5),
      analysis: analysis(),
    });
    const docs = synth(chart);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['InferenceService/fraud-detector', 'PrometheusRule/fraud-detector-canary']);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.metadata.annotations['serving.kserve.io/enable-tag-routing']).toBe('true');
    expect(isvc.metadata.annotations['canary.model-serving.cdk8s.io/rollback']).toBe(
      'manual: KServe does not roll back on metrics; PrometheusRule fraud-detector-canary alerts on degradation; '
      + 'promote with CanaryRollout currentStep (next step\'s percent), roll back with rollback: true (0%)');
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(5);
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://models/fraud/v8');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 0, maxReplicas: 10, scaleTarget: 5 });
    expect(isvc.spec.canary).toBeUndefined();

    expect(rollout.engine).toBe(RolloutEngine.KSERVE_CANARY);
    expect(rollout.automaticRollback).toBe(false);
    expect(rollout.steps).toEqual([5, 25, 50]);
    expect(rollout.schedule).toEqual([5, 25, 50, 100]);
    expect(rollout.trafficPercent).toBe(5);
    expect(rollout.nextTrafficPercent).toBe(25);
    expect(rollout.promoteStep(0)).toBe(5);
    expect(rollout.promoteStep(3)).toBe(100);
    expect(docs).toMatchSnapshot();
  });

  test('the analysis becomes alert rules on the candidate revision', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      analysis: analysis(),
    });
    const rule = docOf(synth(chart), 'PrometheusRule');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.namespace).toBe('ml');
    const sel = 'k8s_namespace_name="ml",kn_configuration_name="fraud-detector-predictor"';
    const rules = rule.spec.groups[0].rules;
    expect(rule.spec.groups[0].name).toBe('fraud-detector-canary');
    expect(rules.map((r: any) => [r.alert, r.expr, r.for, r.labels])).toEqual([
      ['ModelCanaryLatencyHigh',
        `(histogram_quantile(0.99, sum by (le, kn_revision_name) (rate(kn_serving_invocation_duration_seconds_bucket{${sel}}[1m]))) * 1000) > 250`,
        '2m', { model: 'fraud-detector', rollout: 'fraud-v8', severity: 'critical' }],
      ['ModelCanarySuccessRateLow',
        `(100 * sum by (kn_revision_name) (rate(kn_serving_invocation_duration_seconds_count{${sel},http_response_status_code!~"5.."}[1m]))`
        + ` / sum by (kn_revision_name) (rate(kn_serving_invocation_duration_seconds_count{${sel}}[1m]))) < 99`,
        '2m', { model: 'fraud-detector', rollout: 'fraud-v8', severity: 'critical' }],
      ['ModelCanaryCheckFailed', '(max(fraud_drift_score)) > 0.2', '2m',
        { model: 'fraud-detector', rollout: 'fraud-v8', severity: 'critical', check: 'prediction-drift' }],
    ]);
    expect(rules[0].annotations.description).toContain('set rollback: true on CanaryRollout "fraud-v8"');
  });

  test('promote and roll back are code: currentStep and rollback', () => {
    const chart = newChart('ml');
    const promoted = new CanaryRollout(chart, 'fraud-v8', {
      model: fraud(chart),
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      currentStep: 2,
    });
    expect(promoted.trafficPercent).toBe(50);
    expect(promoted.nextTrafficPercent).toBe(100);
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.canaryTrafficPercent).toBe(50);
    expect(isvc.metadata.annotations['canary.model-serving.cdk8s.io/rollback'])
      .toBe('manual: no analysis; promote with CanaryRollout currentStep (next step\'s percent), roll back with rollback: true (0%)');

    const chart2 = newChart('ml');
    const back = new CanaryRollout(chart2, 'fraud-v8', {
      model: fraud(chart2),
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      currentStep: 1,
      rollback: true,
    });
    expect(back.trafficPercent).toBe(0);
    expect(docOf(synth(chart2), 'InferenceService').spec.predictor.canaryTrafficPercent).toBe(0);
  });

  test('steady state (no candidate) renders the stable model and the alerts only', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'fraud', { model: fraud(chart), steps: [10, 50], analysis: analysis() });
    const docs = synth(chart);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(isvc.metadata.annotations['serving.kserve.io/enable-tag-routing']).toBeUndefined();
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://models/fraud/v7');
    docOf(docs, 'PrometheusRule');
  });

  test('addEnv after the rollout reaches the candidate too', () => {
    const chart = newChart('ml');
    const model = fraud(chart);
    new CanaryRollout(chart, 'fraud-v8', { model, candidate: { runtimeVersion: '1.2.0' }, steps: [20] });
    model.addEnv('LOG_LEVEL', EnvValue.fromValue('debug'));
    const p = docOf(synth(chart), 'InferenceService').spec.predictor;
    expect(p.model.runtimeVersion).toBe('1.2.0');
    expect(p.model.env).toEqual([{ name: 'HOME', value: '/tmp' }, { name: 'LOG_LEVEL', value: 'debug' }]);
    expect(p.canaryTrafficPercent).toBe(20);
  });
});

describe('CanaryRollout on KServe (Standard mode)', () => {
  test('the candidate is a spec.canary[] entry without autoscaling of its own', () => {
    const chart = newChart('ml');
    const model = fraud(chart, ServingPlatform.kserveStandard());
    const rollout = new CanaryRollout(chart, 'v8', {
      model,
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8'), resources: { memory: Size.gibibytes(4) } },
      steps: [5, 25, 50],
      analysis: analysis(),
      currentStep: 1,
    });
    const docs = synth(chart);
    const isvc = docOf(docs, 'InferenceService');
    expect(isvc.spec.predictor.model.storageUri).toBe('s3://models/fraud/v7');
    expect(isvc.spec.predictor).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleMetric: 'cpu' });
    expect(isvc.spec.predictor.canaryTrafficPercent).toBeUndefined();
    expect(isvc.metadata.annotations['serving.kserve.io/enable-tag-routing']).toBeUndefined();
    expect(isvc.spec.canary).toEqual([{
      trafficPercent: 25,
      predictor: {
        name: 'v8',
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }],
        model: {
          name: 'kserve-container',
          modelFormat: { name: 'xgboost' },
          protocolVersion: 'v2',
          storageUri: 's3://models/fraud/v8',
          env: [{ name: 'HOME', value: '/tmp' }],
          readinessProbe: { httpGet: { path: '/v2/health/ready', port: 8080 }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
          resources: { limits: { memory: '4Gi' }, requests: { cpu: '1', memory: '4Gi' } },
          securityContext: {
            allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [{ name: 'scratch', mountPath: '/tmp' }],
        },
      },
    }]);
    expect(rollout.trafficPercent).toBe(25);
    const rules = docOf(docs, 'PrometheusRule').spec.groups[0].rules;
    const sel = 'namespace="ml",pod=~"fraud-detector-v8-predictor-.*"';
    expect(rules[0].expr).toBe(`(histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[1m]))) * 1000) > 250`);
    expect(rules[1].expr).toBe(`(100 * sum(rate(http_server_request_duration_seconds_count{${sel},http_response_status_code!~"5.."}[1m]))`
      + ` / sum(rate(http_server_request_duration_seconds_count{${sel}}[1m]))) < 99`);
    expect(docs).toMatchSnapshot();
  });

  test('the canary name must fit {isvc}-{canary}-predictor', () => {
    const chart = newChart('ml');
    const model = fraud(chart, ServingPlatform.kserveStandard());
    expect(() => new CanaryRollout(chart, 'r', {
      model, name: 'a-very-long-canary-name-for-the-fraud-model-v8', candidate: { runtimeVersion: '2' }, steps: [5],
    })).toThrow('test/r: name "a-very-long-canary-name-for-the-fraud-model-v8" is 46 characters long; use at most 38 characters');
  });
});
