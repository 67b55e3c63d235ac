import { Duration } from 'cdk8s';
import { CanaryRollout, MetricCheck, ModelStorage, RolloutAnalysis, RolloutEngine, Scaling, ScalingMetric, ServingPlatform } from '../src';
import { fraudDetector, PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';


function fraud(chart: any, scaling: Scaling = Scaling.autoscale({ minReplicas: 4, maxReplicas: 12 })) {
  return fraudDetector(chart, { scaling, platform: ServingPlatform.kubernetesDeployment() });
}

describe('CanaryRollout on a Deployment (Argo Rollouts)', () => {
  test('a Rollout over the Deployment with setWeight/pause steps and a background AnalysisTemplate', () => {
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
        checks: [MetricCheck.between({ name: 'prediction-mean', query: 'avg(fraud_score{namespace="{{args.namespace}}"})', min: 0.01, max: 0.3 })],
        interval: Duration.seconds(30),
      }),
      requireAutomaticRollback: true,
    });
    const docs = synth(chart);
    expect(rollout.engine).toBe(RolloutEngine.ARGO_ROLLOUTS);
    expect(rollout.automaticRollback).toBe(true);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(expect.arrayContaining([
      'Deployment/fraud-detector', 'Service/fraud-detector', 'HorizontalPodAutoscaler/fraud-detector',
      'Rollout/fraud-detector', 'AnalysisTemplate/fraud-detector-canary',
    ]));

    const deployment = docOf(docs, 'Deployment');
    expect(JSON.stringify(deployment.spec.template)).toContain('s3://models/fraud/v8');

    const r = docOf(docs, 'Rollout');
    expect(r.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(r.metadata.annotations).toEqual({
      'canary.model-serving.cdk8s.io/rollback': 'automatic: Argo Rollouts aborts and rolls back after 2 failed measurements of a metric',
      'canary.model-serving.cdk8s.io/traffic-split': 'replica-weighted: no traffic router; each weight is approximated by the share of candidate pods',
    });
    expect(r.spec.replicas).toBeUndefined();
    expect(r.spec.selector).toEqual(deployment.spec.selector);
    expect(r.spec.progressDeadlineAbort).toBe(true);
    expect(r.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'fraud-detector', scaleDown: 'progressively' });
    expect(r.spec.strategy.canary).toEqual({
      maxSurge: '25%',
      maxUnavailable: 0,
      analysis: {
        templates: [{ templateName: 'fraud-detector-canary' }],
        args: [
          { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        ],
      },
      steps: [
        { setWeight: 5 }, { pause: { duration: '5m' } },
        { setWeight: 25 }, { pause: { duration: '5m' } },
        { setWeight: 50 }, { pause: { duration: '5m' } },
      ],
    });

    const sel = 'namespace="{{args.namespace}}",pod=~"fraud-detector-{{args.canary-hash}}-.*"';
    const t = docOf(docs, 'AnalysisTemplate');
    expect(t.spec.args).toEqual([{ name: 'namespace' }, { name: 'canary-hash' }, { name: 'name', value: 'fraud-detector' }]);
    expect(t.spec.metrics).toEqual([
      {
        name: 'latency-p99',
        interval: '30s',
        failureLimit: 1,
        successCondition: 'result[0] <= 250',
        provider: { prometheus: { address: PROM, query: `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[30s]))) * 1000` } },
      },
      {
        name: 'success-rate',
        interval: '30s',
        failureLimit: 1,
        successCondition: 'result[0] >= 99',
        provider: {
          prometheus: {
            address: PROM,
            query: `100 * sum(rate(http_server_request_duration_seconds_count{${sel},http_response_status_code!~"5.."}[30s]))`
              + ` / sum(rate(http_server_request_duration_seconds_count{${sel}}[30s]))`,
          },
        },
      },
      {
        name: 'prediction-mean',
        interval: '30s',
        failureLimit: 1,
        successCondition: 'result[0] >= 0.01 && result[0] <= 0.3',
        provider: { prometheus: { address: PROM, query: 'avg(fraud_score{namespace="{{args.namespace}}"})' } },
      },
    ]);

    // Argo scales the Deployment to zero: the autoscaler must scale the Rollout.
    expect(docOf(docs, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'fraud-detector' });
    expect(docs).toMatchSnapshot();
  });

  test('fixed replicas are copied to the Rollout; a KEDA ScaledObject is retargeted', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'v8', { model: fraud(chart, Scaling.fixedReplicas(3)), candidate: { runtimeVersion: '1.5.0' }, steps: [34, 67] });
    const docs = synth(chart);
    const r = docOf(docs, 'Rollout');
    expect(r.spec.replicas).toBe(3);
    expect(r.spec.strategy.canary.analysis).toBeUndefined();
    expect(r.metadata.annotations['canary.model-serving.cdk8s.io/rollback'])
      .toBe('automatic on progress deadline only: no analysis, Argo Rollouts advances on time alone');
    expect(docs.some((d) => d.kind === 'AnalysisTemplate')).toBe(false);

    const chart2 = newChart('ml');
    new CanaryRollout(chart2, 'v8', {
      model: fraud(chart2, Scaling.autoscale({ minReplicas: 2, maxReplicas: 8, metric: ScalingMetric.prometheus({ query: 'sum(rate(x[1m]))', serverAddress: PROM }), target: 10 })),
      candidate: { runtimeVersion: '1.5.0' },
      steps: [50],
    });
    expect(docOf(synth(chart2), 'ScaledObject').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'fraud-detector' });
  });

  test('a model that scales to zero cannot be split by replicas', () => {
    const chart = newChart('ml');
    const model = fraud(chart, Scaling.scaleToZero({ maxReplicas: 4, metric: ScalingMetric.prometheus({ query: 'sum(rate(x[1m]))', serverAddress: PROM }), target: 10 }));
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: { runtimeVersion: '1.5.0' }, steps: [5] }))
      .toThrow('test/r: model.scaling.minReplicas 0 leaves no pods to shift weight to: Argo Rollouts splits traffic by replicas; '
        + 'use minReplicas >= 1, or ServingPlatform.knativeService() (Flagger) to canary a model that scales to zero');
  });
});
