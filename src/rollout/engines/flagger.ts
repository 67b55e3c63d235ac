import { ApiObject, JsonPatch } from 'cdk8s';
import {
  EngineContext, engineDocument, gatewaySources, IRolloutEngine, RolloutEngine, RolloutNetworkAccess, RolloutTrafficSource, ROLLBACK_ANNOTATION,
  ServingPodSelector, TRAFFIC_ANNOTATION,
} from './engine';
import { fail } from '../../internal/errors';
import { compact } from '../../internal/k8s';
import { parentRefOf } from '../../traffic/gateway-ref';
import { ResolvedHeaderMatch } from '../../traffic/header-match';
import { heyCommand } from '../../traffic/load-test';
import { CandidateScope, checkQuery, goDuration, ResolvedAnalysis } from '../analysis';

export const FLAGGER_API_VERSION = 'flagger.app/v1beta1';

/**
 * Flagger (>= 1.41, provider `knative`) on a plain Knative Service. The
 * Knative Service renders the CANDIDATE: each change of its template makes a
 * new revision, which Flagger detects, and it then moves `spec.traffic`
 * between the primary revision (annotation `flagger.app/primary-revision`)
 * and the new one, step by step, and rolls back on its own. The Knative
 * Service therefore carries no `traffic` of its own. Flagger's built-in
 * `request-success-rate` and `request-duration` metrics for Knative read the
 * Envoy metrics of the ingress (`envoy_cluster_upstream_rq*`, as Kourier
 * exports them: Flagger v1.44 pkg/metrics/observers/knative.go); on another
 * ingress give `latencyQuery` and `successRateQuery`. Custom queries become
 * MetricTemplates.
 */
export class FlaggerEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.FLAGGER;
  public readonly rollsBack = true;
  public readonly rendersCandidate = true;
  public readonly manualSteps = false;
  // Flagger's knative provider sets Knative's revision percentages; it cannot match headers.
  public readonly gatewayRouting = false;
  public readonly requiresRouter = false;
  // MetricTemplates know the Knative Service, not which revision is the candidate's.
  public readonly scopesChecksToCandidate = false;
  public readonly description = 'Flagger (knative provider)';

  public validate(_ctx: EngineContext): void {
    // The interval pattern (`^[0-9]+(m|s)`) holds: intervals are whole seconds, written in s or m.
  }

  public build(ctx: EngineContext): void {
    const model = ctx.model.name;
    const r = ctx.rollout;
    const a = r.analysis;
    const metrics = a ? flaggerMetrics(ctx, a, undefined) : [];
    engineDocument(ctx, 'Canary', FLAGGER_API_VERSION, 'Canary', model, {
      spec: {
        provider: 'knative',
        targetRef: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: model },
        // A candidate that is not ready within the model's startup timeout (GPU models: 20 minutes) is rolled back.
        progressDeadlineSeconds: ctx.model._spec().startup?.timeoutSeconds,
        metricsServer: a?.address,
        analysis: {
          interval: goDuration(r.stepIntervalSeconds),
          threshold: a?.failureThreshold ?? 1,
          stepWeights: [...r.steps],
          metrics: metrics.length ? metrics : undefined,
          webhooks: loadTestWebhooks(ctx),
        },
      },
    }, { [ROLLBACK_ANNOTATION]: rollbackNote(a) });
  }
}

/**
 * Flagger (v1.44, provider `gatewayapi:v1`) on the Deployment platform.
 * Flagger takes the Deployment over: it copies it to `<name>-primary` (the
 * stable model), scales the Deployment itself to zero between rollouts, and
 * writes the Services `<name>`, `<name>-primary` and `<name>-canary` and the
 * HTTPRoute `<name>` on the given Gateways, whose backend weights it moves
 * step by step (pkg/router/gateway_api.go, kubernetes_default.go). The
 * model's own Service and route are therefore left out: applied next to
 * Flagger's, they would fight over the selector and the weights. The
 * autoscaler is handed to Flagger (`autoscalerRef`), which clones it for the
 * primary; a PodDisruptionBudget is pointed at the primary pods.
 *
 * Flagger's built-in metrics for this provider read
 * `http_request_duration_seconds` with `kubernetes_pod_name` labels
 * (pkg/metrics/observers/http.go), which model servers do not export: the
 * latency and success-rate checks are MetricTemplates on the pods'
 * OpenTelemetry HTTP server metrics instead, scoped to the candidate's pods
 * (`{{ target }}-<hash>-<id>`; the primary's are `{{ target }}-primary-...`).
 */
export class FlaggerDeploymentEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.FLAGGER;
  public readonly rollsBack = true;
  public readonly rendersCandidate = true;
  public readonly manualSteps = false;
  public readonly gatewayRouting = true;
  // Flagger's `kubernetes` provider only does blue/green: a weighted canary needs a router.
  public readonly requiresRouter = true;
  public readonly scopesChecksToCandidate = true;
  public readonly description = 'Flagger on a Deployment (gatewayapi:v1 provider)';

  public validate(ctx: EngineContext): void {
    const g = ctx.rollout.gateway!;
    const e = g.exposure;
    // Flagger writes the HTTPRoute in the Canary's namespace, named after the apex Service (the model).
    if (e.routeNamespace !== undefined && e.routeNamespace !== ctx.model.namespace) {
      fail(ctx.scope, 'gateway.routeNamespace', e.routeNamespace, 'cannot be met: Flagger writes the HTTPRoute in the model\'s namespace',
        'drop routeNamespace (let the Gateway\'s allowedRoutes admit the model\'s namespace), or use RolloutEngine.ARGO_ROLLOUTS');
    }
    if (e.name !== undefined && e.name !== ctx.model.name) {
      fail(ctx.scope, 'gateway.name', e.name, `cannot be met: Flagger names the HTTPRoute after the model ("${ctx.model.name}")`, 'drop the route name');
    }
    if (!deploymentOf(ctx)) fail(ctx.scope, 'model', ctx.model.node.path, 'has no Deployment to roll out', 'use ServingPlatform.kubernetesDeployment()');
  }

  /** The primary's pods serve too; callers come through the Gateways, and the load tester calls the canary Service. */
  public networkAccess(ctx: EngineContext): RolloutNetworkAccess {
    return {
      servingPods: flaggerServingPods,
      sources: [...gatewaySources(ctx.rollout.gateway!.exposure, ctx.model.namespace), ...loadTesterSource(ctx)],
    };
  }

  public build(ctx: EngineContext): void {
    const model = ctx.model.name;
    const r = ctx.rollout;
    const a = r.analysis;
    const g = r.gateway!;
    const e = g.exposure;
    const metrics = a ? flaggerMetrics(ctx, a, {
      selector: 'namespace="{{ namespace }}",pod=~"{{ target }}-[0-9a-zA-Z]+-[0-9a-zA-Z]+"',
      window: '{{ interval }}',
    }) : [];
    const autoscaler = ctx.model.apiObjects.find((d) => d.kind === 'HorizontalPodAutoscaler' || d.kind === 'ScaledObject');
    const grpc = g.backend.grpc;
    const interval = goDuration(r.stepIntervalSeconds);
    engineDocument(ctx, 'Canary', FLAGGER_API_VERSION, 'Canary', model, {
      spec: {
        provider: 'gatewayapi:v1',
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: model },
        autoscalerRef: autoscaler ? { apiVersion: autoscaler.apiVersion, kind: autoscaler.kind, name: autoscaler.name } : undefined,
        progressDeadlineSeconds: ctx.model._spec().startup?.timeoutSeconds,
        service: compact({
          port: g.backend.port,
          targetPort: grpc ? 'grpc' : 'http',
          portName: grpc ? 'grpc' : undefined,
          // Gateways speak HTTP/2 cleartext to gRPC backends only when the Service port says so.
          appProtocol: grpc ? 'kubernetes.io/h2c' : undefined,
          gatewayRefs: e.gateways.map(parentRefOf),
          hosts: e.hostnames.length ? [...e.hostnames] : undefined,
          match: e.pathPrefix !== undefined ? [{ uri: { prefix: e.pathPrefix } }] : undefined,
          timeout: e.requestTimeout,
          backendTimeout: e.backendRequestTimeout,
        }),
        metricsServer: a?.address,
        analysis: compact({
          interval,
          threshold: a?.failureThreshold ?? 1,
          stepWeights: r.abTest ? undefined : [...r.steps],
          // A/B: Flagger routes matching requests to the canary for `iterations` intervals (pkg/router/gateway_api.go).
          iterations: r.abTest?.iterations,
          match: r.abTest ? [{ headers: flaggerHeaders(r.abTest.matches) }] : undefined,
          metrics: metrics.length ? metrics : undefined,
          webhooks: loadTestWebhooks(ctx),
        }),
      },
    }, {
      [ROLLBACK_ANNOTATION]: rollbackNote(a),
      [TRAFFIC_ANNOTATION]: r.abTest
        ? `gateway-api header match: requests matching ${r.abTest.matches.map((m) => m.name).join(', ')} go to the candidate for ${r.abTest.iterations} intervals`
        : 'gateway-api: Flagger sets the HTTPRoute weights; each step is a share of the requests through the Gateway',
    });
    // Flagger writes the apex Service and the route; ours would fight over selector and weights.
    ctx.model._omitDocuments(['Service', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant']);
    for (const doc of ctx.model.apiObjects) {
      if (doc.kind === 'PodDisruptionBudget') {
        // Flagger relabels the primary's pods `app.kubernetes.io/name: <name>-primary`; the Deployment's own run only during analysis.
        doc.addJsonPatch(JsonPatch.replace('/spec/selector/matchLabels/app.kubernetes.io~1name', `${model}-primary`));
      }
    }
  }
}

/**
 * Flagger's default `-selector-labels` (cmd/flagger/main.go, v1.44): the
 * first of them in the Deployment's selector is the label whose value gets
 * `-primary` on the primary Deployment's pods (getSelectorLabel in
 * pkg/canary/deployment_controller.go).
 */
const FLAGGER_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'];

/**
 * The pods of the Deployment and of the `<name>-primary` copy Flagger makes
 * of it (createPrimaryDeployment, makePrimaryLabels in pkg/canary/util.go:
 * the template's labels, the selector label's value suffixed `-primary`):
 * between rollouts the primary's pods serve all traffic.
 */
export function flaggerServingPods(modelPods: Record<string, string>): ServingPodSelector {
  const key = FLAGGER_SELECTOR_LABELS.find((k) => modelPods[k] !== undefined);
  if (key === undefined) return { matchLabels: { ...modelPods } };
  const { [key]: value, ...rest } = modelPods;
  return { matchLabels: rest, matchExpressions: [{ key, operator: 'In', values: [value, `${value}-primary`] }] };
}

/**
 * Flagger's load tester calls the canary Service from its own pods. The
 * webhook URL is called by the Flagger controller, so a host without a
 * namespace is resolved in Flagger's namespace, which synth cannot know.
 */
function loadTesterSource(ctx: EngineContext): RolloutTrafficSource[] {
  const l = ctx.rollout.loadTest;
  if (!l) return [];
  const host = /^https?:\/\/([^/:?#]+)/.exec(l.test.loadTesterUrl)?.[1] ?? '';
  const parts = host.split('.');
  const namespaced = parts.length === 2 || (parts.length >= 3 && parts[2] === 'svc');
  if (!namespaced || /^\d+$/.test(parts[parts.length - 1])) {
    return [{ what: `the load tester (${l.test.loadTesterUrl})`, unknown: 'its URL names no <service>.<namespace> host' }];
  }
  return [{ what: `the load tester (${l.test.loadTesterUrl})`, namespace: parts[1] }];
}

/**
 * The load test as a `rollout` webhook of Flagger's load tester, which runs
 * `cmd` with `sh -c` at every interval (pkg/loadtester/task_shell.go) and
 * skips a command that still runs: each run lasts one interval.
 */
function loadTestWebhooks(ctx: EngineContext): Array<Record<string, unknown>> | undefined {
  const l = ctx.rollout.loadTest;
  if (!l) return undefined;
  return [{
    name: 'load-test',
    type: 'rollout',
    url: l.test.loadTesterUrl,
    timeout: '15s',
    metadata: { type: 'cmd', cmd: heyCommand(l.test, l.url, ctx.rollout.stepIntervalSeconds) },
  }];
}

function rollbackNote(a: ResolvedAnalysis | undefined): string {
  return a
    ? `automatic: Flagger rolls back after ${a.failureThreshold} failed checks`
    : 'automatic on failed readiness or progress deadline only: no analysis, Flagger advances on time alone';
}

/** Flagger's `analysis.match[].headers`: one entry per header, exact or regex. */
function flaggerHeaders(matches: ResolvedHeaderMatch[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const m of matches) out[m.name] = m.exact !== undefined ? { exact: m.exact } : { regex: m.regex! };
  return out;
}

/**
 * The analysis metrics: built-in ones where the provider's fit (`scope`
 * undefined: Knative), else MetricTemplates with the OpenTelemetry queries
 * scoped to the candidate; custom checks always become MetricTemplates.
 */
function flaggerMetrics(ctx: EngineContext, a: ResolvedAnalysis, scope: CandidateScope | undefined): Array<Record<string, unknown>> {
  const model = ctx.model.name;
  const interval = goDuration(a.intervalSeconds);
  const out: Array<Record<string, unknown>> = [];
  const template = (name: string, query: string, range: Record<string, number | undefined>) => {
    engineDocument(ctx, `MetricTemplate-${name}`, FLAGGER_API_VERSION, 'MetricTemplate', `${model}-${name}`, {
      spec: { provider: { type: 'prometheus', address: a.address }, query },
    });
    out.push({ name, templateRef: { name: `${model}-${name}` }, thresholdRange: dropUndefined(range), interval });
  };
  const count = 'http_server_request_duration_seconds_count';
  if (a.minSuccessRate !== undefined) {
    const query = a.successRateQuery ?? (scope
      ? `100 * sum(rate(${count}{${scope.selector},http_response_status_code!~"5.."}[${scope.window}])) / sum(rate(${count}{${scope.selector}}[${scope.window}]))`
      : undefined);
    if (query) template('success-rate', query, { min: a.minSuccessRate });
    else out.push({ name: 'request-success-rate', thresholdRange: { min: a.minSuccessRate }, interval });
  }
  if (a.maxLatencyMs !== undefined) {
    const query = a.latencyQuery ?? (scope
      ? `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${scope.selector}}[${scope.window}]))) * 1000`
      : undefined);
    if (query) template('latency-p99', query, { max: a.maxLatencyMs });
    else out.push({ name: 'request-duration', thresholdRange: { max: a.maxLatencyMs }, interval });
  }
  // Typed checks reach here only with a scope (CanaryRollout rejects them on engines without one).
  for (const c of a.checks) template(c.name, scope ? checkQuery(c, scope) : c.query, { min: c.min, max: c.max });
  return out;
}

function dropUndefined(r: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
  return out;
}

function deploymentOf(ctx: EngineContext): ApiObject | undefined {
  return ctx.model.apiObjects.find((d) => d.kind === 'Deployment');
}
