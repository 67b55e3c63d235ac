import { EngineContext, engineDocument, IRolloutEngine, RolloutEngine, ROLLBACK_ANNOTATION } from './engine';
import { goDuration, ResolvedAnalysis } from '../analysis';

export const FLAGGER_API_VERSION = 'flagger.app/v1beta1';

/**
 * Flagger (>= 1.41, provider `knative`) on a plain Knative Service. The
 * Knative Service renders the CANDIDATE: each change of its template makes a
 * new revision, which Flagger detects, and it then moves `spec.traffic`
 * between the primary revision (annotation `flagger.app/primary-revision`)
 * and the new one, step by step, and rolls back on its own. The Knative
 * Service therefore carries no `traffic` of its own. Flagger's built-in
 * `request-success-rate` and `request-duration` metrics for Knative read the
 * Envoy metrics of the ingress (Kourier); custom queries become MetricTemplates.
 */
export class FlaggerEngine implements IRolloutEngine {
  public readonly engine = RolloutEngine.FLAGGER;
  public readonly rollsBack = true;
  public readonly rendersCandidate = true;
  public readonly manualSteps = false;

  public validate(_ctx: EngineContext): void {
    // The interval pattern (`^[0-9]+(m|s)`) holds: intervals are whole seconds, written in s or m.
  }

  public build(ctx: EngineContext): void {
    const model = ctx.model.name;
    const r = ctx.rollout;
    const a = r.analysis;
    const metrics = a ? this.metrics(ctx, a) : [];
    const note = a
      ? `automatic: Flagger rolls back after ${a.failureThreshold} failed checks`
      : 'automatic on failed readiness or progress deadline only: no analysis, Flagger advances on time alone';
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
        },
      },
    }, { [ROLLBACK_ANNOTATION]: note });
  }

  private metrics(ctx: EngineContext, a: ResolvedAnalysis): Array<Record<string, unknown>> {
    const model = ctx.model.name;
    const interval = goDuration(a.intervalSeconds);
    const out: Array<Record<string, unknown>> = [];
    const template = (id: string, name: string, query: string, range: Record<string, number | undefined>) => {
      engineDocument(ctx, `MetricTemplate-${name}`, FLAGGER_API_VERSION, 'MetricTemplate', `${model}-${name}`, {
        spec: { provider: { type: 'prometheus', address: a.address }, query },
      });
      out.push({ name: id, templateRef: { name: `${model}-${name}` }, thresholdRange: dropUndefined(range), interval });
    };
    if (a.minSuccessRate !== undefined) {
      if (a.successRateQuery) template('success-rate', 'success-rate', a.successRateQuery, { min: a.minSuccessRate });
      else out.push({ name: 'request-success-rate', thresholdRange: { min: a.minSuccessRate }, interval });
    }
    if (a.maxLatencyMs !== undefined) {
      if (a.latencyQuery) template('latency-p99', 'latency-p99', a.latencyQuery, { max: a.maxLatencyMs });
      else out.push({ name: 'request-duration', thresholdRange: { max: a.maxLatencyMs }, interval });
    }
    for (const c of a.checks) template(c.name, c.name, c.query, { min: c.min, max: c.max });
    return out;
  }
}

function dropUndefined(r: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
  return out;
}
