import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmService } from './llm-service';
import { checkNumber, fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { checkDns1123Label } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { millisOf, secondsOf } from '../internal/units';
import { standardLabels } from '../model/model-spec';

/** Alert thresholds on the candidate's vLLM metrics. */
export interface LlmCanaryAlerts {
  /**
   * Highest acceptable p99 time to first token (`vllm:time_to_first_token_seconds`).
   *
   * @default - no alert on time to first token
   */
  readonly maxTimeToFirstToken?: Duration;

  /**
   * Highest acceptable p99 inter-token latency (`vllm:inter_token_latency_seconds`).
   *
   * @default - no alert on inter-token latency
   */
  readonly maxInterTokenLatency?: Duration;

  /**
   * Highest acceptable share of aborted requests, in percent
   * (`vllm:request_success_total` with `finished_reason="abort"` over all finished requests).
   *
   * @default - no alert on the error rate
   */
  readonly maxErrorRatePercent?: number;

  /**
   * How long a threshold must be crossed before the alert fires; also the rate window.
   *
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
}

/** Props of an {@link LlmCanary}. */
export interface LlmCanaryProps {
  /** The service serving today's traffic. */
  readonly stable: LlmService;

  /** The new version; it must serve the same model name. */
  readonly candidate: LlmService;

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
 * new LlmCanary(chart, 'llama-canary', { stable: v1, candidate: v2, candidateWeight: 10, alerts: { maxTimeToFirstToken: Duration.millis(800) } });
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
      stable: { cls: LlmService, use: 'the LlmService serving today\'s traffic' },
      candidate: { cls: LlmService, use: 'the new LlmService' },
      candidateWeight: 'number',
      promote: 'boolean',
      group: 'string',
      alerts: 'struct',
    }, ['stable', 'candidate'], 'LlmCanaryProps, e.g. { stable, candidate, candidateWeight }');
    const { stable, candidate } = props;
    if (!(stable instanceof LlmService)) fail(this, 'stable', stable, 'is not an LlmService', 'pass the LlmService serving today\'s traffic');
    if (!(candidate instanceof LlmService)) fail(this, 'candidate', candidate, 'is not an LlmService', 'pass the new LlmService');
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

  private alerts(a: LlmCanaryAlerts, candidate: LlmService): ApiObject {
    const window = a.window ?? Duration.minutes(5);
    const windowSeconds = secondsOf(window);
    if (!Number.isInteger(windowSeconds) || windowSeconds < 30 || windowSeconds > 86400) {
      fail(this, 'alerts.window', `${windowSeconds}s`, 'is out of range', 'use whole seconds from 30 seconds to 1 day');
    }
    const rate = `${windowSeconds}s`;
    // vLLM's metrics carry the pod; KServe names the candidate's pods after the service.
    const sel = `namespace="${candidate.namespace ?? 'default'}",pod=~"${candidate.name}-kserve-.*"`;
    const p99 = (metric: string) => `histogram_quantile(0.99, sum by (le) (rate(${metric}_bucket{${sel}}[${rate}])))`;
    const labels = { service: candidate.name, group: this.group, severity: 'critical' };
    const what = `LLM canary ${candidate.name} (group ${this.group}, ${this.candidateWeight}% of traffic)`;
    const rollback = `set candidateWeight: 0 on ${this.node.path} to send all traffic back to the stable service`;
    const rules: Record<string, unknown>[] = [];
    const latencyRule = (alert: string, metric: string, max: Duration | undefined, prop: string, text: string) => {
      if (max === undefined) return;
      const ms = millisOf(max);
      if (!(ms > 0) || !Number.isFinite(ms)) fail(this, `alerts.${prop}`, `${ms}ms`, 'is not a positive duration', 'use e.g. Duration.millis(500)');
      rules.push({
        alert,
        expr: `${p99(metric)} > ${ms / 1000}`,
        for: rate,
        labels,
        annotations: { summary: `${what}: p99 ${text} above ${ms} ms`, description: rollback },
      });
    };
    latencyRule('LlmCanaryTimeToFirstTokenHigh', 'vllm:time_to_first_token_seconds', a.maxTimeToFirstToken, 'maxTimeToFirstToken', 'time to first token');
    latencyRule('LlmCanaryInterTokenLatencyHigh', 'vllm:inter_token_latency_seconds', a.maxInterTokenLatency, 'maxInterTokenLatency', 'inter-token latency');
    if (a.maxErrorRatePercent !== undefined) {
      checkNumber(this, 'alerts.maxErrorRatePercent', a.maxErrorRatePercent, 0, 100);
      const aborted = `sum(rate(vllm:request_success_total{${sel},finished_reason="abort"}[${rate}]))`;
      const all = `sum(rate(vllm:request_success_total{${sel}}[${rate}]))`;
      rules.push({
        alert: 'LlmCanaryErrorRateHigh',
        expr: `100 * ${aborted} / ${all} > ${a.maxErrorRatePercent}`,
        for: rate,
        labels,
        annotations: { summary: `${what}: more than ${a.maxErrorRatePercent}% of requests aborted`, description: rollback },
      });
    }
    if (rules.length === 0) fail(this, 'alerts', a, 'sets no threshold', 'set maxTimeToFirstToken, maxInterTokenLatency or maxErrorRatePercent');
    return new ApiObject(this, 'AlertRules', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `${candidate.name}-canary`, namespace: candidate.namespace, labels: standardLabels(candidate.name, 'llm-canary') },
      spec: { groups: [{ name: `${candidate.name}-canary`, rules }] },
    });
  }
}
