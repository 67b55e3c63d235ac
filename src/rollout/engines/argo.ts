import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import {
  EngineContext, engineDocument, gatewaySources, IRolloutEngine, ResolvedGatewayRouting, RolloutEngine, RolloutNetworkAccess, ROLLBACK_ANNOTATION,
  TRAFFIC_ANNOTATION,
} from './engine';
import { fail } from '../../internal/errors';
import { compact } from '../../internal/k8s';
import {
  crossNamespace, GATEWAY_API_VERSION, referenceGrantName, referenceGrantSpec, routeIdentity, routeKind, routeSpec,
} from '../../platforms/gateway-route';
import { ResolvedHeaderMatch } from '../../traffic/header-match';
import { heyArgs } from '../../traffic/load-test';
import { checkQuery, goDuration, ResolvedAnalysis } from '../analysis';

/** The Gateway API traffic-router plugin's name in the Rollout and the controller's plugin config (argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';
/** The managed route the plugin adds to the HTTPRoute for a header A/B test. */
export const AB_TEST_ROUTE = 'ab-test';

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
/** The label of the load test Job's pods, valued with the model's name: a NetworkPolicy admits them by it. */
export const LOAD_TEST_LABEL = 'model-serving.cdk8s.io/load-test';

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
  public readonly gatewayRouting = true;
  public readonly requiresRouter = false;
  public readonly scopesChecksToCandidate = true;
  public readonly description = 'Argo Rollouts';

  public validate(ctx: EngineContext): void {
    const min = ctx.model._stableSpec().scaling.minReplicas;
    if (min < 1) {
      fail(ctx.scope, 'model.scaling.minReplicas', min, 'leaves no pods to shift weight to: Argo Rollouts splits traffic by replicas',
        'use minReplicas >= 1, or ServingPlatform.knativeService() (Flagger) to canary a model that scales to zero');
    }
    if (!deploymentOf(ctx)) {
      fail(ctx.scope, 'model', ctx.model.node.path, 'has no Deployment to roll out', 'use ServingPlatform.kubernetesDeployment()');
    }
    // The Rollout's workloadRef takes the pods over: the Deployment's own strategy would never run.
    const strategy = ctx.model._stableSpec().deploymentStrategy;
    if (strategy) {
      fail(ctx.scope, 'model.deploymentStrategy', strategy.type, 'is replaced by the Argo Rollout\'s canary steps (the Rollout runs the pods)',
        'drop deploymentStrategy, or roll out with RolloutEngine.FLAGGER');
    }
  }

  /**
   * The pods stay the Deployment's: the Rollout takes its template and
   * selector (workloadRef: Resolve in rollout/templateref.go, v1.9.1), and
   * the ReplicaSets only add `rollouts-pod-template-hash` (rollout/sync.go).
   * Callers come through the Gateway; the load test Jobs run in the
   * AnalysisRun's namespace, the model's, unless the controller is set to run
   * analysis Jobs elsewhere (newMetricJob in metricproviders/job/job.go).
   */
  public networkAccess(ctx: EngineContext): RolloutNetworkAccess {
    const r = ctx.rollout;
    return {
      sources: [
        ...(r.gateway ? gatewaySources(r.gateway.exposure, ctx.model.namespace) : []),
        ...(r.loadTest ? [{ what: 'the load test Jobs', podLabels: { [LOAD_TEST_LABEL]: ctx.model.name } }] : []),
      ],
    };
  }

  public build(ctx: EngineContext): void {
    const model = ctx.model.name;
    const r = ctx.rollout;
    const a = r.analysis;
    const deployment = deploymentOf(ctx)!;
    const template = `${model}-canary`;
    const step = goDuration(r.stepIntervalSeconds);
    const g = r.gateway;
    if (g) this.gatewayDocuments(ctx, g);
    const minReplicas = Math.max(1, ctx.model._stableSpec().scaling.minReplicas);
    const steps = r.abTest
      ? [
        // Traffic routing scales the candidate by weight, 0 here: run it at the stable model's minimum instead.
        { setCanaryScale: { replicas: minReplicas } },
        { setHeaderRoute: { name: AB_TEST_ROUTE, match: r.abTest.matches.map(argoHeaderMatch) } },
        { pause: { duration: goDuration(r.stepIntervalSeconds * r.abTest.iterations) } },
      ]
      : r.steps.flatMap((w) => [{ setWeight: w }, { pause: { duration: step } }]);
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
                stableService: g ? `${model}-stable` : undefined,
                canaryService: g ? `${model}-canary` : undefined,
                trafficRouting: g ? this.trafficRouting(ctx, g) : undefined,
                analysis: a ? {
                  templates: [{ templateName: template }],
                  args: [
                    { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                    { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
                  ],
                } : undefined,
                steps,
              },
            },
          });
        },
      }),
    }, {
      [ROLLBACK_ANNOTATION]: a
        ? `automatic: Argo Rollouts aborts and rolls back after ${a.failureThreshold} failed measurements of a metric`
        : 'automatic on progress deadline only: no analysis, Argo Rollouts advances on time alone',
      [TRAFFIC_ANNOTATION]: trafficNote(r.abTest?.matches, g),
    });
    if (a) this.analysisTemplate(ctx, template, a);
    // The autoscaler must scale the Rollout: Argo scales the Deployment itself down to zero.
    for (const doc of ctx.model.apiObjects) {
      if (doc.kind === 'HorizontalPodAutoscaler' || doc.kind === 'ScaledObject') {
        doc.addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef', { apiVersion: ARGO_API_VERSION, kind: 'Rollout', name: model }));
      }
    }
  }

  /** The plugin's config: the route it splits, and the managed header route of an A/B test. */
  private trafficRouting(ctx: EngineContext, g: ResolvedGatewayRouting): Record<string, unknown> {
    const route = routeIdentity(g.exposure, ctx.model.name, ctx.model.namespace);
    const routes = [compact({ name: route.name, useHeaderRoutes: ctx.rollout.abTest ? true : undefined })];
    return compact({
      managedRoutes: ctx.rollout.abTest ? [{ name: AB_TEST_ROUTE }] : undefined,
      plugins: {
        [GATEWAY_API_PLUGIN]: compact({
          [g.backend.grpc ? 'grpcRoutes' : 'httpRoutes']: routes,
          namespace: route.namespace,
        }),
      },
    });
  }

  /**
   * The stable and canary Services Argo points at the two ReplicaSets (it
   * adds the pod-template hash to their selectors), and the route with both
   * as backends, 100/0: the plugin moves the weights. The model's own Service
   * stays for in-cluster callers (split by replica counts).
   */
  private gatewayDocuments(ctx: EngineContext, g: ResolvedGatewayRouting): void {
    const model = ctx.model.name;
    const service = ctx.model.apiObjects.find((d) => d.kind === 'Service');
    if (!service) fail(ctx.scope, 'model', ctx.model.node.path, 'has no Service to route to', 'use ServingPlatform.kubernetesDeployment()');
    for (const [id, name] of [['StableService', `${model}-stable`], ['CanaryService', `${model}-canary`]]) {
      engineDocument(ctx, id, 'v1', 'Service', name, { spec: Lazy.any({ produce: () => service.toJson().spec }) });
    }
    const e = g.exposure;
    const ns = ctx.model.namespace;
    const refs = [{ service: `${model}-stable`, weight: 100 }, { service: `${model}-canary`, weight: 0 }];
    const services = refs.map((x) => x.service);
    const kind = routeKind(g.backend);
    if (g.fromModel) {
      const route = ctx.model.apiObjects.find((d) => d.kind === kind)!;
      route.addJsonPatch(JsonPatch.replace('/spec', routeSpec(e, g.backend, refs, ns)));
      const grant = ctx.model.apiObjects.find((d) => d.kind === 'ReferenceGrant');
      grant?.addJsonPatch(JsonPatch.replace('/spec', referenceGrantSpec(e, g.backend, services)));
      return;
    }
    const id = routeIdentity(e, model, ns);
    const doc = engineDocument(ctx, kind, GATEWAY_API_VERSION, kind, id.name, { spec: routeSpec(e, g.backend, refs, ns) });
    // A route attached from the Gateway's namespace lives there; its ReferenceGrant stays with the Services.
    if (id.namespace !== ns) doc.addJsonPatch(JsonPatch.add('/metadata/namespace', id.namespace));
    if (crossNamespace(e, ns)) {
      engineDocument(ctx, 'ReferenceGrant', GATEWAY_API_VERSION, 'ReferenceGrant', referenceGrantName(e, model),
        { spec: referenceGrantSpec(e, g.backend, services) });
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
      metrics.push(metric(c.name, checkQuery(c, { selector: sel, window: w }), conds.filter((x) => x !== undefined).join(' && ')));
    }
    const l = ctx.rollout.loadTest;
    if (l) {
      // A Job per interval that sends the load for that interval; a failed Job (hey cannot start) fails the measurement.
      const seconds = ctx.rollout.stepIntervalSeconds;
      metrics.push({
        name: 'load-test',
        interval: goDuration(seconds),
        failureLimit: a.failureThreshold - 1,
        provider: {
          job: {
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: seconds + 60,
              template: {
                metadata: { labels: { [LOAD_TEST_LABEL]: ctx.model.name } },
                spec: {
                  restartPolicy: 'Never',
                  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
                  containers: [{
                    name: 'hey',
                    image: l.test.image,
                    command: ['hey', ...heyArgs(l.test, l.url, seconds)],
                    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                  }],
                },
              },
            },
          },
        },
      });
    }
    engineDocument(ctx, 'AnalysisTemplate', ARGO_API_VERSION, 'AnalysisTemplate', name, {
      spec: { args: [{ name: 'namespace' }, { name: 'canary-hash' }, { name: 'name', value: ctx.model.name }], metrics },
    });
  }
}

function deploymentOf(ctx: EngineContext): ApiObject | undefined {
  return ctx.model.apiObjects.find((d) => d.kind === 'Deployment');
}

/** Argo's `setHeaderRoute.match[]` entry. */
function argoHeaderMatch(m: ResolvedHeaderMatch): Record<string, unknown> {
  return { headerName: m.name, headerValue: m.exact !== undefined ? { exact: m.exact } : { regex: m.regex } };
}

function trafficNote(ab: ResolvedHeaderMatch[] | undefined, g: ResolvedGatewayRouting | undefined): string {
  if (!g) return 'replica-weighted: no traffic router; each weight is approximated by the share of candidate pods';
  if (ab) return `gateway-api header match (${GATEWAY_API_PLUGIN}): requests matching ${ab.map((m) => m.name).join(', ')} go to the candidate`;
  return `gateway-api (${GATEWAY_API_PLUGIN}): each step is a share of the requests through the Gateway; in-cluster calls to the model's Service are split by replica counts`;
}
