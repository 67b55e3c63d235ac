import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { EngineContext, engineDocument, IRolloutEngine, RolloutEngine, ROLLBACK_ANNOTATION, TRAFFIC_ANNOTATION } from './engine';
import { fail } from '../../internal/errors';
import { compact } from '../../internal/k8s';
import { goDuration, ResolvedAnalysis } from '../analysis';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * Argo Rollouts over the platform's Deployment. The Rollout points at the
 * Deployment (`workloadRef`), which stays the source of the pod template and
 * renders the CANDIDATE; Argo runs stable and candidate ReplicaSets itself,
 * scales the Deployment down progressively, and aborts (rolls back) when the
 * background analysis fails. The HPA or KEDA ScaledObject is retargeted at the
 * Rollout. Without a traffic router, each weight is approximated by the share
 * of candidate pods. Metrics: OpenTelemetry HTTP server metrics of the pods.
 */
export class ArgoRolloutsEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.ARGO_ROLLOUTS;
  public readonly rollsBack = true;
  public readonly rendersCandidate = true;
  public readonly manualSteps = false;

  public validate(ctx: EngineContext): void {
    const min = ctx.model._stableSpec().scaling.minReplicas;
    if (min < 1) {
      fail(ctx.scope, 'model.scaling.minReplicas', min, 'leaves no pods to shift weight to: Argo Rollouts splits traffic by replicas',
        'use minReplicas >= 1, or ServingPlatform.knativeService() (Flagger) to canary a model that scales to zero');
    }
    if (!deploymentOf(ctx)) {
      fail(ctx.scope, 'model', ctx.model.node.path, 'has no Deployment to roll out', 'use ServingPlatform.kubernetesDeployment()');
    }
  }

  public build(ctx: EngineContext): void {
    const model = ctx.model.name;
    const r = ctx.rollout;
    const a = r.analysis;
    const deployment = deploymentOf(ctx)!;
    const template = `${model}-canary`;
    const step = goDuration(r.stepIntervalSeconds);
    engineDocument(ctx, 'Rollout', ARGO_API_VERSION, 'Rollout', model, {
      spec: Lazy.any({
        produce: () => {
          const d = deployment.toJson().spec ?? {};
          return compact({
            // Left to the HPA/ScaledObject when there is one (the Deployment leaves it out too).
            replicas: d.replicas,
            selector: d.selector,
            progressDeadlineSeconds: d.progressDeadlineSeconds,
            // A candidate that never gets ready is rolled back too.
            progressDeadlineAbort: true,
            workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.name, scaleDown: 'progressively' },
            strategy: {
              canary: {
                maxSurge: '25%',
                maxUnavailable: 0,
                analysis: a ? {
                  templates: [{ templateName: template }],
                  args: [
                    { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
                  ],
                } : undefined,
                steps: r.steps.flatMap((w) => [{ setWeight: w }, { pause: { duration: step } }]),
              },
            },
          });
        },
      }),
    }, {
      [ROLLBACK_ANNOTATION]: a
        ? `automatic: Argo Rollouts aborts and rolls back after ${a.failureThreshold} failed measurements of a metric`
        : 'automatic on progress deadline only: no analysis, Argo Rollouts advances on time alone',
      [TRAFFIC_ANNOTATION]: 'replica-weighted: no traffic router; each weight is approximated by the share of candidate pods',
    });
    if (a) this.analysisTemplate(ctx, template, a);
    // The autoscaler must scale the Rollout: Argo scales the Deployment itself down to zero.
    for (const doc of ctx.model.apiObjects) {
      if (doc.kind === 'HorizontalPodAutoscaler' || doc.kind === 'ScaledObject') {
        doc.addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef', { apiVersion: ARGO_API_VERSION, kind: 'Rollout', name: model }));
      }
    }
  }

  private analysisTemplate(ctx: EngineContext, name: string, a: ResolvedAnalysis): void {
    const w = goDuration(a.intervalSeconds);
    const sel = `namespace="{{args.namespace}}",pod=~"${ctx.model.name}-{{args.canary-hash}}-.*"`;
    const count = 'http_server_request_duration_seconds_count';
    const metric = (metricName: string, query: string, successCondition: string) => ({
      name: metricName,
      interval: w,
      failureLimit: a.failureThreshold - 1,
      successCondition,
      provider: { prometheus: { address: a.address, query } },
    });
    const metrics: Array<Record<string, unknown>> = [];
    if (a.maxLatencyMs !== undefined) {
      metrics.push(metric('latency-p99',
        a.latencyQuery ?? `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[${w}]))) * 1000`,
        `result[0] <= ${a.maxLatencyMs}`));
    }
    if (a.minSuccessRate !== undefined) {
      metrics.push(metric('success-rate',
        a.successRateQuery ?? `100 * sum(rate(${count}{${sel},http_response_status_code!~"5.."}[${w}])) / sum(rate(${count}{${sel}}[${w}]))`,
        `result[0] >= ${a.minSuccessRate}`));
    }
    for (const c of a.checks) {
      const conds = [c.min !== undefined ? `result[0] >= ${c.min}` : undefined, c.max !== undefined ? `result[0] <= ${c.max}` : undefined];
      metrics.push(metric(c.name, c.query, conds.filter((x) => x !== undefined).join(' && ')));
    }
    engineDocument(ctx, 'AnalysisTemplate', ARGO_API_VERSION, 'AnalysisTemplate', name, {
      spec: { args: [{ name: 'namespace' }, { name: 'canary-hash' }, { name: 'name', value: ctx.model.name }], metrics },
    });
  }
}

function deploymentOf(ctx: EngineContext): ApiObject | undefined {
  return ctx.model.apiObjects.find((d) => d.kind === 'Deployment');
}
