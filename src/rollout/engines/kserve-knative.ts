import { ROLLBACK_ANNOTATION, EngineContext, engineDocument, IRolloutEngine, matchers, RolloutEngine } from './engine';
import { goDuration, ResolvedAnalysis } from '../analysis';

/** The PromQL an alert rule set watches: the candidate's p99 latency (ms) and success rate (%). */
export interface CandidateQueries {
  readonly latencyMs: string;
  readonly successRate: string;
  /** Where the queries look, for the alert text. */
  readonly target: string;
}

/**
 * KServe has no metric-driven rollback, so the analysis becomes Prometheus
 * alert rules: a degraded candidate pages someone, who rolls back in code.
 */
export function addAlertRules(ctx: EngineContext, queries: CandidateQueries): void {
  const a = ctx.rollout.analysis;
  if (!a) return;
  const model = ctx.model.name;
  const labels = { model, rollout: ctx.rollout.name, severity: 'critical' };
  const forDuration = goDuration(a.intervalSeconds * a.failureThreshold);
  const action = `KServe does not roll back on its own: set rollback: true on CanaryRollout "${ctx.rollout.name}" `
    + '(canaryTrafficPercent 0) and apply, or fix the candidate.';
  const rules: Array<Record<string, unknown>> = [];
  if (a.maxLatencyMs !== undefined) {
    rules.push({
      alert: 'ModelCanaryLatencyHigh',
      expr: `(${a.latencyQuery ?? queries.latencyMs}) > ${a.maxLatencyMs}`,
      for: forDuration,
      labels,
      annotations: {
        summary: `Canary of ${model}: p99 latency above ${a.maxLatencyMs} ms`,
        description: `p99 latency of ${queries.target} is {{ $value }} ms (limit ${a.maxLatencyMs} ms). ${action}`,
      },
    });
  }
  if (a.minSuccessRate !== undefined) {
    rules.push({
      alert: 'ModelCanarySuccessRateLow',
      expr: `(${a.successRateQuery ?? queries.successRate}) < ${a.minSuccessRate}`,
      for: forDuration,
      labels,
      annotations: {
        summary: `Canary of ${model}: success rate below ${a.minSuccessRate}%`,
        description: `success rate of ${queries.target} is {{ $value }}% (minimum ${a.minSuccessRate}%). ${action}`,
      },
    });
  }
  for (const c of a.checks) {
    const bounds = [c.min !== undefined ? `(${c.query}) < ${c.min}` : undefined, c.max !== undefined ? `(${c.query}) > ${c.max}` : undefined]
      .filter((x): x is string => x !== undefined);
    rules.push({
      alert: 'ModelCanaryCheckFailed',
      expr: bounds.length === 1 ? bounds[0] : bounds.map((b) => `(${b})`).join(' or '),
      for: forDuration,
      labels: { ...labels, check: c.name },
      annotations: {
        summary: `Canary of ${model}: check ${c.name} out of range`,
        description: `${c.name} is {{ $value }} (allowed: ${rangeText(c.min, c.max)}). ${action}`,
      },
    });
  }
  engineDocument(ctx, 'AlertRules', 'monitoring.coreos.com/v1', 'PrometheusRule', `${model}-canary`, {
    spec: { groups: [{ name: `${model}-canary`, rules }] },
  });
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  return min !== undefined ? `at least ${min}` : `at most ${max}`;
}

/** The annotation text that says, in the output, that nothing rolls back on its own. */
export function manualRollbackNote(ctx: EngineContext, analysis: ResolvedAnalysis | undefined): string {
  const how = 'promote with CanaryRollout currentStep (next step\'s percent), roll back with rollback: true (0%)';
  return analysis
    ? `manual: KServe does not roll back on metrics; PrometheusRule ${ctx.model.name}-canary alerts on degradation; ${how}`
    : `manual: no analysis; ${how}`;
}

/**
 * KServe in Knative mode: the InferenceService shows the candidate with
 * `canaryTrafficPercent`; KServe keeps the last fully rolled-out revision for
 * the rest and tag routing gives each its own URL. Metrics come from
 * Knative's queue-proxy (OpenTelemetry names, Knative >= 1.19).
 */
export class KServeKnativeEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.KSERVE_CANARY;
  public readonly rollsBack = false;
  public readonly rendersCandidate = false;
  public readonly manualSteps = true;
  public readonly gatewayRouting = false;
  public readonly requiresRouter = false;
  public readonly scopesChecksToCandidate = false;
  public readonly description = 'KServe\'s canary (Knative mode)';

  public validate(_ctx: EngineContext): void {
    // The compiler's name budget already reserves the `latest-`/`prev-` tag prefixes.
  }

  public build(ctx: EngineContext): void {
    const a = ctx.rollout.analysis;
    ctx.model.apiObject.metadata.addAnnotation(ROLLBACK_ANNOTATION, manualRollbackNote(ctx, a));
    if (!a) return;
    const w = goDuration(a.intervalSeconds);
    const sel = matchers([['k8s_namespace_name', '=', ctx.model.namespace], ['kn_configuration_name', '=', `${ctx.model.name}-predictor`]]);
    const count = 'kn_serving_invocation_duration_seconds_count';
    addAlertRules(ctx, {
      latencyMs: `histogram_quantile(0.99, sum by (le, kn_revision_name) (rate(kn_serving_invocation_duration_seconds_bucket{${sel}}[${w}]))) * 1000`,
      successRate: `100 * sum by (kn_revision_name) (rate(${count}{${sel},http_response_status_code!~"5.."}[${w}]))`
        + ` / sum by (kn_revision_name) (rate(${count}{${sel}}[${w}]))`,
      target: `revision {{ $labels.kn_revision_name }} of ${ctx.model.name}-predictor`,
    });
  }
}
