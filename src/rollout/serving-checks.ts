import { Duration } from 'cdk8s';
import { CandidateScope, MetricCheck, RESERVED_METRIC_NAMES } from './analysis';
import { checkNumber, fail, invalidInstance, orInvalid } from '../internal/errors';
import { millisOf } from '../internal/units';

/** Which metrics a model server exports, for {@link ServingCheck}s that exist on more than one. */
export enum ServingMetrics {
  /**
   * vLLM's OpenAI-compatible server (`vllm:*` histograms and counters, and
   * `http_requests_total` with `status` grouped as `2xx`/`5xx`).
   */
  VLLM = 'vllm',
  /**
   * OpenTelemetry HTTP server metrics (`http_server_request_duration_seconds`
   * with `http_response_status_code`), as the library's other analysis
   * queries assume for model servers.
   */
  OPEN_TELEMETRY = 'open-telemetry',
}

/** Options of a latency percentile check. */
export interface LatencyCheckOptions {
  /** The check fails when the percentile is above this. */
  readonly max: Duration;

  /**
   * The percentile, from 50 to 99.9.
   *
   * @default 99
   */
  readonly percentile?: number;
}

/** Options of {@link ServingCheck.requestLatency}. */
export interface RequestLatencyCheckOptions extends LatencyCheckOptions {
  /**
   * Whose metrics to read.
   *
   * @default ServingMetrics.OPEN_TELEMETRY
   */
  readonly metrics?: ServingMetrics;
}

/** Options of {@link ServingCheck.errorRate}. */
export interface ErrorRateCheckOptions {
  /** The check fails when the share of 5xx responses, in percent, is above this. */
  readonly maxPercent: number;

  /**
   * Whose metrics to read.
   *
   * @default ServingMetrics.OPEN_TELEMETRY
   */
  readonly metrics?: ServingMetrics;
}

/** Options of {@link ServingCheck.tokensPerSecond}. */
export interface TokensPerSecondCheckOptions {
  /** The check fails when the candidate generates fewer output tokens per second than this (all its pods together). */
  readonly min: number;
}

/**
 * Typed canary checks on what model servers measure: time to first token,
 * inter-token latency, end-to-end latency percentiles, error rate and token
 * throughput. Each is a {@link MetricCheck} whose query the engine scopes to
 * the candidate's pods and its own window: Argo Rollouts AnalysisTemplates
 * (`pod=~"<model>-{{args.canary-hash}}-.*"`) and Flagger MetricTemplates on
 * a Deployment (`pod=~"{{ target }}-<hash>-<id>"`, `{{ interval }}`). KServe
 * and Flagger on Knative cannot name the candidate's pods, and reject them.
 * Latencies compare in milliseconds; Prometheus must keep the `namespace`
 * and `pod` target labels (a PodMonitor does).
 *
 * Metric names and labels are vLLM's V1 engine's, as the vLLM 0.19 of
 * KServe 0.20's default image exports them (`ghcr.io/llm-d/llm-d-cuda:v0.8.0`,
 * config/llmisvcconfig/config-llm-template.yaml; its tokenizer sidecar is
 * tagged `vllm-v0.19.1`, config-llm-scheduler.yaml). From
 * `PrometheusStatLogger` in vllm/v1/metrics/loggers.py: the histograms
 * `vllm:time_to_first_token_seconds`, `vllm:inter_token_latency_seconds`
 * (since 0.11; `vllm:time_per_output_token_seconds` is hidden from 0.12 on) and
 * `vllm:e2e_request_latency_seconds`, the counter `vllm:generation_tokens`
 * (exported with `_total`), all labelled `model_name` and `engine` (the
 * data-parallel rank; the queries sum over it). The HTTP counter comes from
 * the API server's prometheus-fastapi-instrumentator (`mount_metrics` in
 * vllm/entrypoints/openai/api_server.py, later
 * vllm/entrypoints/serve/instrumentator/metrics.py): `http_requests_total` with
 * `handler`, `method` and `status` grouped as `2xx`/`4xx`/`5xx`.
 * `vllm:request_success_total{finished_reason="abort"}` is not an error
 * rate: a client that disconnects aborts its request.
 *
 * The same checks give an {@link LlmCanary}'s PrometheusRule alerts.
 *
 * @example
 * RolloutAnalysis.prometheus({
 *   address: 'http://prometheus.monitoring:9090',
 *   checks: [
 *     ServingCheck.timeToFirstToken({ max: Duration.millis(500), percentile: 95 }),
 *     ServingCheck.interTokenLatency({ max: Duration.millis(50) }),
 *     ServingCheck.errorRate({ maxPercent: 1, metrics: ServingMetrics.VLLM }),
 *   ],
 * })
 */
export class ServingCheck {
  /**
   * vLLM's time to first token (queueing and prefill included).
   *
   * @param options the highest acceptable percentile
   */
  public static timeToFirstToken(options: LatencyCheckOptions): MetricCheck {
    return orInvalid(() => {
      return latency('ServingCheck.timeToFirstToken', 'ttft', 'vllm:time_to_first_token_seconds_bucket', options, ServingMetrics.VLLM);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * vLLM's inter-token latency: the time between two output tokens of a request.
   *
   * @param options the highest acceptable percentile
   */
  public static interTokenLatency(options: LatencyCheckOptions): MetricCheck {
    return orInvalid(() => {
      return latency('ServingCheck.interTokenLatency', 'itl', 'vllm:inter_token_latency_seconds_bucket', options, ServingMetrics.VLLM);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * End-to-end request latency: vLLM's `e2e_request_latency`, or the HTTP
   * server duration of any model server with OpenTelemetry metrics.
   *
   * @param options the highest acceptable percentile and the metrics source
   */
  public static requestLatency(options: RequestLatencyCheckOptions): MetricCheck {
    return orInvalid(() => {
      const vllm = options?.metrics === ServingMetrics.VLLM;
      const bucket = vllm ? 'vllm:e2e_request_latency_seconds_bucket' : 'http_server_request_duration_seconds_bucket';
      return latency('ServingCheck.requestLatency', 'e2e-latency', bucket, options, vllm ? ServingMetrics.VLLM : ServingMetrics.OPEN_TELEMETRY);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * The candidate's share of 5xx responses, in percent (no 5xx series counts as 0).
   *
   * @param options the highest acceptable share and the metrics source
   */
  public static errorRate(options: ErrorRateCheckOptions): MetricCheck {
    return orInvalid(() => {
      const scope = 'ServingCheck.errorRate';
      const max = options?.maxPercent;
      if (max === undefined) fail(scope, 'maxPercent', max, 'is missing', 'give a percentage from 0 to 100');
      checkNumber(scope, 'maxPercent', max, 0, 100);
      const vllm = options.metrics === ServingMetrics.VLLM;
      const counter = vllm ? 'http_requests_total' : 'http_server_request_duration_seconds_count';
      const errors = vllm ? 'status="5xx"' : 'http_response_status_code=~"5.."';
      return MetricCheck._candidateScoped('error-rate', (s: CandidateScope) =>
        // `or vector(0)`: with no 5xx series at all the ratio would be empty, which engines count as a failed check.
        `100 * (sum(rate(${counter}{${s.selector},${errors}}[${s.window}])) or vector(0)) / sum(rate(${counter}{${s.selector}}[${s.window}]))`,
      undefined, max, vllm ? ServingMetrics.VLLM : ServingMetrics.OPEN_TELEMETRY);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  /**
   * vLLM's output tokens per second over all the candidate's pods.
   *
   * @param options the lowest acceptable throughput
   */
  public static tokensPerSecond(options: TokensPerSecondCheckOptions): MetricCheck {
    return orInvalid(() => {
      const scope = 'ServingCheck.tokensPerSecond';
      const min = options?.min;
      if (min === undefined) fail(scope, 'min', min, 'is missing', 'give the lowest acceptable output tokens per second');
      checkNumber(scope, 'min', min, 0, 1e9);
      return MetricCheck._candidateScoped('tokens-per-second', (s: CandidateScope) =>
        `sum(rate(vllm:generation_tokens_total{${s.selector}}[${s.window}]))`, min, undefined, ServingMetrics.VLLM);
    }, (e) => invalidInstance(MetricCheck.prototype, e, ['resolved']));
  }

  private constructor() {}
}

function latency(scope: string, prefix: string, bucket: string, options: LatencyCheckOptions, source: ServingMetrics): MetricCheck {
  const o = options ?? ({} as LatencyCheckOptions);
  if (o.max === undefined) fail(scope, 'max', undefined, 'is missing', 'give the highest acceptable latency, e.g. Duration.millis(500)');
  const ms = millisOf(o.max);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 3_600_000) fail(scope, 'max', `${ms}ms`, 'is out of range', 'use a latency above 0 and at most 1 hour');
  const p = o.percentile ?? 99;
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 50 || p > 99.9 || Math.round(p * 10) !== p * 10) {
    fail(scope, 'percentile', p, 'is out of range', 'use a percentile from 50 to 99.9 with at most one decimal');
  }
  const name = `${prefix}-p${String(p).replace('.', '')}`;
  if (RESERVED_METRIC_NAMES.includes(name)) fail(scope, 'name', name, 'is reserved', 'use another percentile');
  const q = Number((p / 100).toFixed(4));
  return MetricCheck._candidateScoped(name, (s: CandidateScope) =>
    `histogram_quantile(${q}, sum by (le) (rate(${bucket}{${s.selector}}[${s.window}]))) * 1000`, undefined, ms, source);
}
