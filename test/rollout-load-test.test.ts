import { Duration } from 'cdk8s';
import {
  CanaryRollout, GatewayExposure, GatewayRef, InferenceProtocol, LoadTest, LoadTestMethod, ModelFormat, RolloutAnalysis, RolloutEngine,
  Scaling, ServingPlatform, TrafficRouter,
} from '../src';
import { fraudDetector, PROM } from './fixtures/rollout';
import { docOf, newChart, synth } from './util';

const ANALYSIS = RolloutAnalysis.prometheus({ address: PROM, minSuccessRate: 99 });
const BODY = '{"inputs":[{"name":"x","shape":[1,2],"datatype":"FP32","data":[1,2]}]}';

function model(chart: any, platform: ServingPlatform, props: Record<string, unknown> = {}) {
  return fraudDetector(chart, { platform, ...props }, 'fraud');
}

describe('LoadTest', () => {
  test('Flagger on a scale-to-zero Knative Service: a rollout webhook of the load tester against the model URL', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: model(chart, ServingPlatform.knativeService(), { scaling: Scaling.scaleToZero({ maxReplicas: 3 }) }),
      candidate: { runtimeVersion: '1.5.0' },
      steps: [20, 50],
      stepInterval: Duration.minutes(1),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ body: BODY, requestsPerSecond: 5, concurrency: 2 }),
    });
    const canary = docOf(synth(chart), 'Canary');
    expect(canary.spec.analysis.webhooks).toEqual([{
      name: 'load-test',
      type: 'rollout',
      url: 'http://flagger-loadtester.test/',
      timeout: '15s',
      metadata: {
        type: 'cmd',
        cmd: `hey -z 60s -q 3 -c 2 -m POST -T application/json -d '${BODY}' http://fraud.ml.svc.cluster.local/v2/models/fraud/infer`,
      },
    }]);
  });

  test('Flagger on a Deployment targets the candidate\'s Service; single quotes in the body are escaped for sh', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: model(chart, ServingPlatform.kubernetesDeployment(), { gateway: GatewayExposure.route({ gateways: [GatewayRef.of('gw')] }) }),
      steps: [20],
      engine: RolloutEngine.FLAGGER,
      trafficRouter: TrafficRouter.gatewayApi(),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ path: '/v2/health/ready', method: LoadTestMethod.GET, loadTesterUrl: 'http://loadtester.flagger/' }),
    });
    expect(docOf(synth(chart), 'Canary').spec.analysis.webhooks[0]).toMatchObject({
      url: 'http://loadtester.flagger/',
      metadata: { cmd: 'hey -z 300s -q 5 -c 2 -m GET http://fraud-canary.ml.svc.cluster.local/v2/health/ready' },
    });
    const chart2 = newChart('ml');
    new CanaryRollout(chart2, 'r', {
      model: model(chart2, ServingPlatform.knativeService()),
      steps: [20],
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ body: '{"text":"it\'s"}', requestsPerSecond: 1, concurrency: 1 }),
    });
    expect(docOf(synth(chart2), 'Canary').spec.analysis.webhooks[0].metadata.cmd)
      .toBe('hey -z 300s -q 1 -c 1 -m POST -T application/json -d \'{"text":"it\'\\\'\'s"}\' http://fraud.ml.svc.cluster.local/v2/models/fraud/infer');
  });

  test('Argo Rollouts: a restricted Job metric running hey for each interval', () => {
    const chart = newChart('ml');
    new CanaryRollout(chart, 'r', {
      model: model(chart, ServingPlatform.kubernetesDeployment(), { scaling: Scaling.fixedReplicas(2) }),
      steps: [50],
      stepInterval: Duration.minutes(2),
      analysis: ANALYSIS,
      loadTest: LoadTest.hey({ body: BODY }),
    });
    const t = docOf(synth(chart), 'AnalysisTemplate');
    const job = t.spec.metrics.find((m: any) => m.name === 'load-test');
    expect(job).toEqual({
      name: 'load-test',
      interval: '2m',
      failureLimit: 1,
      provider: {
        job: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: 180,
            template: {
              // A ModelNetworkPolicy admits the load by this label.
              metadata: { labels: { 'model-serving.cdk8s.io/load-test': 'fraud' } },
              spec: {
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
                containers: [{
                  name: 'hey',
                  image: 'ghcr.io/fluxcd/flagger-loadtester:0.38.0',
                  command: ['hey', '-z', '120s', '-q', '5', '-c', '2', '-m', 'POST', '-T', 'application/json', '-d', BODY,
                    'http://fraud.ml.svc.cluster.local/v2/models/fraud/infer'],
                  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                }],
              },
            },
          },
        },
      },
    });
  });

  test('errors', () => {
    const c1 = newChart('ml');
    expect(() => new CanaryRollout(c1, 'r', { model: model(c1, ServingPlatform.kserve()), steps: [5], analysis: ANALYSIS, loadTest: LoadTest.hey() }))
      .toThrow('test/r: loadTest "hey" cannot run on KServe\'s canary (Knative mode), which has no analysis runner;');
    const c2 = newChart('ml');
    expect(() => new CanaryRollout(c2, 'r', { model: model(c2, ServingPlatform.knativeService()), steps: [5], loadTest: LoadTest.hey() }))
      .toThrow('test/r: loadTest "hey" is set without an analysis: nothing would judge the traffic it sends; give analysis too');
    const c3 = newChart('ml');
    expect(() => new CanaryRollout(c3, 'r', {
      model: model(c3, ServingPlatform.knativeService(), { format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2 }),
      steps: [5],
      analysis: ANALYSIS,
      loadTest: LoadTest.hey(),
    })).toThrow('test/r: loadTest "hey" sends HTTP requests, but the model speaks grpc-v2;');
    expect(() => LoadTest.hey({ body: '{"api_key": "abc"}' })._resolve()).toThrow('LoadTest.hey: body "<redacted>" looks like it holds a credential; load-test requests must not carry secrets');
    expect(() => LoadTest.hey({ path: 'infer' })._resolve()).toThrow('LoadTest.hey: path "infer" is not a valid request path;');
    expect(() => LoadTest.hey({ requestsPerSecond: 1, concurrency: 4 })._resolve()).toThrow('LoadTest.hey: concurrency 4 is above requestsPerSecond (1);');
    expect(() => LoadTest.hey({ method: LoadTestMethod.GET, body: '{}' })._resolve()).toThrow('LoadTest.hey: body "<body>" is set on a GET request; use LoadTestMethod.POST');
  });
});
