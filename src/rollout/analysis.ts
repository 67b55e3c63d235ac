import { Duration } from 'cdk8s';
import { checkInteger, checkNonEmpty, fail, invalidInstance, orInvalid } from '../internal/errors';
import { checkDns1123Label } from '../internal/names';
import { millisOf, secondsOf } from '../internal/units';
import { checkNoCredential } from '../security/credentials';

/** Metric names the engines reserve for the built-in latency and success-rate checks. */
export const RESERVED_METRIC_NAMES = ['request-success-rate', 'request-duration', 'latency-p99', 'success-rate'];

/** A resolved custom metric check. */
export interface ResolvedMetricCheck {
  readonly name: string;
  /** The PromQL as given; empty for a check the engine scopes to the candidate (`candidateQuery`). */
  readonly query: string;
  /**
   * A typed check (`ServingCheck`): its PromQL for the candidate's pods and
   * the engine's query window. Only engines that can select the candidate's
   * pods run it (Argo Rollouts; Flagger on a Deployment).
   */
  readonly candidateQuery?: (scope: CandidateScope) => string;
  /** Whose metrics a typed check reads (`vllm` or `open-telemetry`), for consumers that know their server. */
  readonly metricsSource?: string;
  /** The check fails when the value is below this. */
  readonly min?: number;
  /** The check fails when the value is above this. */
  readonly max?: number;
}

/** How an engine names the candidate's pods and the window of a query, for checks it scopes itself. */
export interface CandidateScope {
  /** PromQL label matchers selecting the candidate's pods, e.g. `namespace="...",pod=~"..."`. */
  readonly selector: string;
  /** The range of rate windows, e.g. `1m` or Flagger's `{{ interval }}`. */
  readonly window: string;
}

/** The PromQL a check runs on an engine that scopes queries to the candidate. */
export function checkQuery(c: ResolvedMetricCheck, scope: CandidateScope): string {
  return c.candidateQuery ? c.candidateQuery(scope) : c.query;
}

/** A resolved analysis: what every rollout engine reads. */
export interface ResolvedAnalysis {
  readonly provider: 'prometheus';
  readonly address: string;
  readonly maxLatencyMs?: number;
  readonly minSuccessRate?: number;
  readonly checks: ResolvedMetricCheck[];
  readonly intervalSeconds: number;
  readonly failureThreshold: number;
  readonly latencyQuery?: string;
  readonly successRateQuery?: string;
}

/** Options for {@link MetricCheck.max} and {@link MetricCheck.min}. */
export interface MetricThresholdOptions {
  /** A DNS label naming the check (metric and template names use it). */
  readonly name: string;
  /** PromQL returning one number. */
  readonly query: string;
  /** The highest (`max`) or lowest (`min`) acceptable value. */
  readonly threshold: number;
}

/** Options for {@link MetricCheck.between}. */
export interface MetricRangeOptions {
  /** A DNS label naming the check (metric and template names use it). */
  readonly name: string;
  /** PromQL returning one number. */
  readonly query: string;
  /** The lowest acceptable value. */
  readonly min: number;
  /** The highest acceptable value. */
  readonly max: number;
}

/**
 * One prediction-quality (or any other) metric the candidate must keep in
 * range: a PromQL query returning a single number, and a bound.
 *
 * The query is sent to the engine as written. Scope it to the candidate with
 * the variables of the engine that runs it: Flagger MetricTemplates offer
 * `{{ namespace }}`, `{{ target }}` and `{{ interval }}`; Argo Rollouts
 * AnalysisTemplates get the args `{{args.namespace}}`, `{{args.name}}` and
 * `{{args.canary-hash}}` (the candidate pods' `rollouts-pod-template-hash`);
 * KServe alert rules take plain PromQL.
 *
 * @example
 * MetricCheck.max({ name: 'prediction-drift', query: 'max(model_drift_score{model="fraud"})', threshold: 0.2 })
 */
export class MetricCheck {
  /**
   * Fails when the query's value is above `threshold`.
   *
   * @param options the check's name, query and highest acceptable value
   */
  public static max(options: MetricThresholdOptions): MetricCheck {
    return orInvalid(() => {
      const { name, query, threshold } = options ?? ({} as MetricThresholdOptions);
      return new MetricCheck(check('MetricCheck.max', name, query, undefined, threshold));
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * Fails when the query's value is below `threshold`.
   *
   * @param options the check's name, query and lowest acceptable value
   */
  public static min(options: MetricThresholdOptions): MetricCheck {
    return orInvalid(() => {
      const { name, query, threshold } = options ?? ({} as MetricThresholdOptions);
      return new MetricCheck(check('MetricCheck.min', name, query, threshold, undefined));
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * Fails when the query's value leaves [min, max].
   *
   * @param options the check's name, query and acceptable range
   */
  public static between(options: MetricRangeOptions): MetricCheck {
    return orInvalid(() => {
      const { name, query, min, max } = options ?? ({} as MetricRangeOptions);
      const c = check('MetricCheck.between', name, query, min, max);
      if (min > max) fail('MetricCheck.between', 'min', min, `is above max (${max})`, 'use min <= max');
      return new MetricCheck(c);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /** @internal a typed check whose query the engine scopes to the candidate (see ServingCheck). */
  public static _candidateScoped(name: string, candidateQuery: (scope: CandidateScope) => string, min: number | undefined,
    max: number | undefined, metricsSource?: string): MetricCheck {
    return new MetricCheck({ name, query: '', candidateQuery, min, max, metricsSource });
  }

  private constructor(private readonly resolved: ResolvedMetricCheck) {}

  /** The check's name. */
  public get name(): string {
    return this.resolved.name;
  }

  /** The PromQL query (for a typed ServingCheck: the query with the pod selector `<candidate>` and window `<window>`). */
  public get query(): string {
    const c = this.resolved;
    return c.candidateQuery ? c.candidateQuery({ selector: '<candidate>', window: '<window>' }) : c.query;
  }

  /** @internal */
  public _resolve(): ResolvedMetricCheck {
    return this.resolved;
  }
}

function check(scope: string, name: string, query: string, min: number | undefined, max: number | undefined): ResolvedMetricCheck {
  checkDns1123Label(scope, 'name', name);
  if (RESERVED_METRIC_NAMES.includes(name)) {
    fail(scope, 'name', name, 'is reserved for the built-in latency and success-rate checks', 'choose another name, or use maxLatencyP99 / minSuccessRate');
  }
  checkNonEmpty(scope, 'query', query);
  if (query === undefined) fail(scope, 'query', query, 'is missing', 'give a PromQL query that returns one number');
  if (min === undefined && max === undefined) fail(scope, 'threshold', undefined, 'is missing', 'use a finite number');
  const single = min === undefined || max === undefined;
  for (const [prop, v] of [['min', min], ['max', max]] as const) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) {
      fail(scope, single ? 'threshold' : prop, v, 'is not a finite number', 'use a finite number');
    }
  }
  return { name, query, min, max };
}

/** Options for {@link RolloutAnalysis.prometheus}. */
export interface PrometheusAnalysisOptions {
  /** The Prometheus server the engine queries, e.g. `http://prometheus.monitoring:9090`. */
  readonly address: string;

  /**
   * Roll back (or alert) when the candidate's 99th percentile latency is above this.
   *
   * @default - latency is not checked
   */
  readonly maxLatencyP99?: Duration;

  /**
   * Roll back (or alert) when the candidate's share of non-5xx responses, in
   * percent, is below this.
   *
   * @default - the success rate is not checked
   */
  readonly minSuccessRate?: number;

  /**
   * Further checks, e.g. prediction quality or drift.
   *
   * @default - none
   */
  readonly checks?: MetricCheck[];

  /**
   * How often the metrics are checked, and the window each query looks at.
   * At most the rollout's step interval.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * How many failed checks make the candidate "degraded": the engine rolls
   * back (Flagger `threshold`, Argo `failureLimit` + 1), or the alert fires
   * after that many intervals (KServe).
   *
   * @default 2
   */
  readonly failureThreshold?: number;

  /**
   * PromQL returning the candidate's p99 latency in milliseconds, replacing
   * the engine's default query (see the README for each default).
   *
   * @default - the engine's default for the platform
   */
  readonly latencyQuery?: string;

  /**
   * PromQL returning the candidate's success rate in percent, replacing the
   * engine's default query.
   *
   * @default - the engine's default for the platform
   */
  readonly successRateQuery?: string;
}

/**
 * How a canary is judged: latency, errors and prediction quality, measured
 * while it takes traffic. Flagger and Argo Rollouts roll back on their own
 * when the analysis fails; on KServe it becomes Prometheus alert rules.
 *
 * @example
 * RolloutAnalysis.prometheus({
 *   address: 'http://prometheus.monitoring:9090',
 *   maxLatencyP99: Duration.millis(250),
 *   minSuccessRate: 99,
 *   checks: [MetricCheck.max({ name: 'prediction-drift', query: 'max(drift_score{model="fraud"})', threshold: 0.2 })],
 * })
 */
export class RolloutAnalysis {
  /**
   * Checks the candidate with Prometheus queries.
   *
   * @param options the Prometheus address, thresholds and checks
   */
  public static prometheus(options: PrometheusAnalysisOptions): RolloutAnalysis {
    return orInvalid(() => {
      const scope = 'RolloutAnalysis.prometheus';
      const o = options ?? ({} as PrometheusAnalysisOptions);
      if (typeof o.address !== 'string' || !/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(o.address)) {
        fail(scope, 'address', o.address, 'is not an http(s) URL', 'use the Prometheus base URL, e.g. http://prometheus.monitoring:9090');
      }
      checkNoCredential(scope, 'address', o.address);
      let maxLatencyMs: number | undefined;
      if (o.maxLatencyP99 !== undefined) {
        maxLatencyMs = millisOf(o.maxLatencyP99);
        if (!Number.isInteger(maxLatencyMs) || maxLatencyMs < 1 || maxLatencyMs > 600_000) {
          fail(scope, 'maxLatencyP99', `${maxLatencyMs}ms`, 'is out of range', 'use whole milliseconds from 1 ms to 10 minutes');
        }
      }
      const rate = o.minSuccessRate;
      if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 100)) {
        fail(scope, 'minSuccessRate', rate, 'is out of range', 'use a percentage above 0 and at most 100, e.g. 99 or 99.9');
      }
      const checks = (o.checks ?? []).map((c) => c._resolve());
      const seen = new Set<string>();
      for (const c of checks) {
        if (seen.has(c.name)) fail(scope, 'checks', c.name, 'is used twice', 'give every check a unique name');
        seen.add(c.name);
      }
      if (maxLatencyMs === undefined && rate === undefined && checks.length === 0) {
        fail(scope, 'options', 'no checks', 'checks nothing', 'set maxLatencyP99, minSuccessRate or checks');
      }
      const interval = secondsOf(o.interval ?? Duration.minutes(1));
      if (!Number.isInteger(interval) || interval < 10 || interval > 3600) {
        fail(scope, 'interval', `${interval}s`, 'is out of range', 'use whole seconds from 10 seconds to 1 hour');
      }
      checkInteger(scope, 'failureThreshold', o.failureThreshold, 1, 100);
      checkNonEmpty(scope, 'latencyQuery', o.latencyQuery);
      checkNonEmpty(scope, 'successRateQuery', o.successRateQuery);
      if (o.latencyQuery !== undefined && maxLatencyMs === undefined) {
        fail(scope, 'latencyQuery', o.latencyQuery, 'has no threshold', 'set maxLatencyP99 too');
      }
      if (o.successRateQuery !== undefined && rate === undefined) {
        fail(scope, 'successRateQuery', o.successRateQuery, 'has no threshold', 'set minSuccessRate too');
      }
      return new RolloutAnalysis({
        provider: 'prometheus',
        address: o.address.replace(/\/+$/, ''),
        maxLatencyMs,
        minSuccessRate: rate,
        checks,
        intervalSeconds: interval,
        failureThreshold: o.failureThreshold ?? 2,
        latencyQuery: o.latencyQuery,
        successRateQuery: o.successRateQuery,
      });
    }, (e) => invalidInstance(RolloutAnalysis.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedAnalysis) {}

  /** The Prometheus address. */
  public get address(): string {
    return this.resolved.address;
  }

  /** @internal */
  public _resolve(): ResolvedAnalysis {
    return this.resolved;
  }
}

/** A duration as Go's time format writes it in whole minutes or seconds (`5m`, `90s`), as Flagger and Argo expect. */
export function goDuration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}
