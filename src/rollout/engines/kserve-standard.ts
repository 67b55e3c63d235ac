import { EngineContext, IRolloutEngine, matchers, RolloutEngine, ROLLBACK_ANNOTATION } from './engine';
import { addAlertRules, manualRollbackNote } from './kserve-knative';
import { fail } from '../../internal/errors';
import { checkDns1035 } from '../../internal/names';
import { goDuration } from '../analysis';

/**
 * KServe in Standard mode (v0.20): the candidate is a `spec.canary[]` entry
 * `{ predictor: { name, ... }, trafficPercent }`, which KServe runs as the
 * Deployment and Service `{isvc}-{canary}-predictor` and weights in the
 * HTTPRoute. KServe's rules: each entry named and unique, the percentages sum
 * to at most 100, and no autoscaling of its own (it inherits the stable
 * predictor's). Metrics: OpenTelemetry HTTP server metrics of the candidate pods.
 */
export class KServeStandardEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.KSERVE_CANARY;
  public readonly rollsBack = false;
  public readonly rendersCandidate = false;
  public readonly manualSteps = true;
  public readonly gatewayRouting = false;
  public readonly requiresRouter = false;
  public readonly scopesChecksToCandidate = false;
  public readonly description = 'KServe\'s canary (Standard mode)';

  public validate(ctx: EngineContext): void {
    const r = ctx.rollout;
    // KServe names the candidate's Deployment and Service `{isvc}-{canary}-predictor` (a 63-character DNS label).
    checkDns1035(ctx.scope, 'name', r.name, 63 - ctx.model.name.length - '-'.length - '-predictor'.length);
    // inference_service_validation.go validateCanarySpecs: a canary predictor may not set workerSpec.
    if (ctx.model._stableSpec().workerSpec) {
      fail(ctx.scope, 'model', ctx.model.node.path, 'is served on several nodes (workerSpec), which KServe does not roll out as a canary',
        'replace the model in place, or drop workerSpec');
    }
    // KServe's rule that the canary percentages sum to at most 100 holds by construction: one
    // candidate, whose share is a step (1..99) or 0.
  }

  public build(ctx: EngineContext): void {
    const a = ctx.rollout.analysis;
    ctx.model.apiObject.metadata.addAnnotation(ROLLBACK_ANNOTATION, manualRollbackNote(ctx, a));
    if (!a) return;
    const w = goDuration(a.intervalSeconds);
    const sel = matchers([['namespace', '=', ctx.model.namespace], ['pod', '=~', `${ctx.model.name}-${ctx.rollout.name}-predictor-.*`]]);
    const count = 'http_server_request_duration_seconds_count';
    addAlertRules(ctx, {
      latencyMs: `histogram_quantile(0.99, sum by (le) (rate(http_server_request_duration_seconds_bucket{${sel}}[${w}]))) * 1000`,
      successRate: `100 * sum(rate(${count}{${sel},http_response_status_code!~"5.."}[${w}])) / sum(rate(${count}{${sel}}[${w}]))`,
      target: `canary ${ctx.model.name}-${ctx.rollout.name}-predictor`,
    });
  }
}
