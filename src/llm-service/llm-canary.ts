import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmService } from './llm-service';
import { ILlmService } from './llm-service-ref';
import { checkNumber, fail, withScope } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { standardLabels } from '../internal/labels';
import { checkDns1123Label } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { wholeSeconds } from '../internal/units';
import { CandidateScope, checkQuery, MetricCheck } from '../rollout/analysis';
import { ServingMetrics } from '../rollout/serving-checks';

/** Prometheus alert rules on the candidate, from the same typed checks a rollout analysis takes. */
export interface LlmCanaryAlerts {
  /**
   * What the candidate must keep in range; each check becomes one alert.
   * The typed {@link ServingCheck}s read vLLM's metrics and are scoped here
   * to the candidate's vLLM pods and the alert window:
   * `ServingCheck.timeToFirstToken`, `interTokenLatency`,
   * `requestLatency({ metrics: ServingMetrics.VLLM })`,
   * `errorRate({ metrics: ServingMetrics.VLLM })` (HTTP 5xx responses) and
   * `tokensPerSecond`. `MetricCheck.max/min/between` run their PromQL as written.
   */
  readonly checks: MetricCheck[];

  /**
   * How long a check must fail before its alert fires; also the rate window of the typed checks.
   *
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Props of an {@link LlmCanary}. */
export interface LlmCanaryProps {
  /** The service serving today's traffic (an {@link LlmService} of this app). */
  readonly stable: ILlmService;

  /** The new version (an {@link LlmService} of this app); it must serve the same model name. */
  readonly candidate: ILlmService;

  /**
   * The candidate's share of requests, in percent (the current step).
   *
   * @default 10
   */
  readonly candidateWeight?: number;

  /**
   * Promote the candidate: it takes all traffic and the stable service none
   * (keep both until the candidate has proven itself, then remove the stable one).
   *
   * @default false
   */
  readonly promote?: boolean;

  /**
   * The route group both services join (`spec.router.route.group`).
   *
   * @default - the stable service's name
   */
  readonly group?: string;

  /**
   * Prometheus alert rules that page when the candidate degrades: KServe moves
   * weights but never rolls back on its own.
   *
   * @default - no PrometheusRule
   */
  readonly alerts?: LlmCanaryAlerts;
}

/**
 * A canary between two LLM services: both join one route group, and KServe's
 * managed HTTPRoutes split requests by weight (`spec.router.route.group` and
 * `weight`, router_group.go, KServe 0.20). Promotion is a prop; rollback is
 * setting the weight back to 0, after the alerts fire.
 *
 * @example
 * new LlmCanary(chart, 'llama-canary', {
 *   stable: v1, candidate: v2, candidateWeight: 10,
 *   alerts: { checks: [ServingCheck.timeToFirstToken({ max: Duration.millis(800) }), ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM })] },
 * });
 */
export class LlmCanary extends Construct {
  /** The route group. */
  public readonly group: string;
  /** The candidate's weight (percent). */
  public readonly candidateWeight: number;
  /** The stable service's weight (percent). */
  public readonly stableWeight: number;
  /** The alert rules, if any. */
  public readonly alertRules?: ApiObject;

  constructor(scope: Construct, id: string, props: LlmCanaryProps) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, {
      candidateWeight: 'number',
      promote: 'boolean',
      group: 'string',
      alerts: 'struct',
    }, ['stable', 'candidate'], 'LlmCanaryProps, e.g. { stable, candidate, candidateWeight }');
    const { stable, candidate } = props;
    // KServe splits traffic on the HTTPRoutes of the services it manages: both must be LlmServices of this
    // app, whose routers this canary checks and whose specs it writes the route group into.
    if (!(stable instanceof LlmService)) fail(this, 'stable', shownRef(stable), 'is not an LlmService', 'pass the LlmService serving today\'s traffic');
    if (!(candidate instanceof LlmService)) fail(this, 'candidate', shownRef(candidate), 'is not an LlmService', 'pass the new LlmService');
    if (stable === candidate) fail(this, 'candidate', candidate.node.path, 'is the stable service', 'pass two different services');
    // KServe lists group members in one namespace (listGroupMembers, router_group.go).
    if (stable.namespace !== candidate.namespace) {
      fail(this, 'candidate', candidate.namespace ?? '<none>', `is in another namespace than the stable service (${stable.namespace ?? '<none>'})`,
        'KServe only groups services of one namespace');
    }
    if (stable.modelName !== candidate.modelName) {
      fail(this, 'candidate', candidate.modelName, `serves another model name than the stable service (${stable.modelName})`,
        'serve the same modelName, so that every client request is valid on both versions');
    }
    this.group = props.group ?? stable.name;
    // CRD: group matches ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$, 1 to 63 characters.
    checkDns1123Label(this, 'group', this.group);
    const w = props.candidateWeight ?? 10;
    checkNumber(this, 'candidateWeight', w, 0, 100);
    if (!Number.isInteger(w)) fail(this, 'candidateWeight', w, 'is not a whole percent', 'use a whole number from 0 to 100');
    if (props.promote && props.candidateWeight !== undefined && props.candidateWeight !== 100) {
      fail(this, 'candidateWeight', props.candidateWeight, 'contradicts promote: true (a promoted candidate takes all traffic)', 'drop candidateWeight, or set it to 100');
    }
    this.candidateWeight = props.promote ? 100 : w;
    this.stableWeight = 100 - this.candidateWeight;
    stable._joinRouteGroup(this, { group: this.group, weight: this.stableWeight });
    candidate._joinRouteGroup(this, { group: this.group, weight: this.candidateWeight });
    if (props.alerts) this.alertRules = this.alerts(props.alerts, candidate);
  }

  private alerts(a: LlmCanaryAlerts, candidate: ILlmService): ApiObject {
    const window = a.window ?? Duration.minutes(5);
    const windowSeconds = wholeSeconds(this, 'alerts.window', window, 30, 86400, '30 seconds to 1 day');
    const rate = `${windowSeconds}s`;
    const checks = a.checks;
    if (!Array.isArray(checks) || checks.length === 0) {
      fail(this, 'alerts.checks', checks, 'is empty', 'give at least one check, e.g. ServingCheck.timeToFirstToken({ max: Duration.millis(800) })');
    }
    // The candidate's vLLM pods: KServe names them after the service (`<name>-kserve-<hash>`,
    // `-kserve-prefill-`, `-kserve-mn-`); the endpoint picker's pods (`-kserve-router-scheduler-`) run no vLLM.
    const scope: CandidateScope = {
      selector: `namespace="${candidate.namespace ?? 'default'}",pod=~"${candidate.name}-kserve-.*",pod!~"${candidate.name}-kserve-router-scheduler-.*"`,
      window: rate,
    };
    const labels = { service: candidate.name, group: this.group, severity: 'critical' };
    const what = `LLM canary ${candidate.name} (group ${this.group}, ${this.candidateWeight}% of traffic)`;
    const rollback = `set candidateWeight: 0 on ${this.node.path} to send all traffic back to the stable service`;
    const seen = new Set<string>();
    const rules = checks.map((c, i) => {
      if (!(c instanceof MetricCheck)) fail(this, `alerts.checks[${i}]`, c, 'is not a MetricCheck', 'use ServingCheck.timeToFirstToken(...), errorRate(...), ... or MetricCheck.max(...)');
      const r = withScope(this, `alerts.checks[${i}]`, () => c._resolve());
      if (seen.has(r.name)) fail(this, 'alerts.checks', r.name, 'is used twice', 'give every check a unique name (one percentile per latency check)');
      // An LLM service runs vLLM, which exports no OpenTelemetry HTTP metrics: such an alert could never fire.
      if (r.metricsSource === ServingMetrics.OPEN_TELEMETRY) {
        fail(this, `alerts.checks[${i}]`, r.name, 'reads OpenTelemetry HTTP server metrics, which vLLM does not export (the alert would never fire)',
          'pass metrics: ServingMetrics.VLLM');
      }
      seen.add(r.name);
      const q = `(${checkQuery(r, scope)})`;
      const expr = r.min !== undefined && r.max !== undefined ? `${q} < ${r.min} or ${q} > ${r.max}`
        : r.max !== undefined ? `${q} > ${r.max}` : `${q} < ${r.min}`;
      const bound = r.min !== undefined && r.max !== undefined ? `outside [${r.min}, ${r.max}]` : r.max !== undefined ? `above ${r.max}` : `below ${r.min}`;
      return {
        alert: `LlmCanary${r.name.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`,
        expr,
        for: rate,
        labels: { ...labels, check: r.name },
        annotations: { summary: `${what}: ${r.name} is {{ $value }}, ${bound}`, description: rollback },
      };
    });
    return new ApiObject(this, 'AlertRules', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `${candidate.name}-canary`, namespace: candidate.namespace, labels: standardLabels(candidate.name, 'llm-canary') },
      spec: { groups: [{ name: `${candidate.name}-canary`, rules }] },
    });
  }
}

/** A wrong reference as an error shows it: a construct by its path (never its whole state), anything else as is. */
function shownRef(v: unknown): unknown {
  return v !== null && typeof v === 'object' && Construct.isConstruct(v) ? v.node.path : v;
}
