import { Duration } from 'cdk8s';
import { KedaAuthentication } from './keda-authentication';
import { checkInteger, checkNonEmpty, fail, invalidInstance, ModelServingError, orInvalid, raiseIfInvalid } from '../internal/errors';
import { wholeSeconds } from '../internal/units';
import { checkNoCredential } from '../security/credentials';

/** The largest value of the int32 fields replica counts are written to. */
const INT32_MAX = 2147483647;

/** Options for {@link ScalingMetric.prometheus}. */
export interface PrometheusMetricOptions {
  /** PromQL returning one number, e.g. `sum(rate(requests_total[1m]))`. */
  readonly query: string;
  /** The Prometheus URL, e.g. `http://prometheus.monitoring:9090`. */
  readonly serverAddress: string;

  /**
   * How KEDA authenticates to a secured Prometheus.
   *
   * @default - none (an open Prometheus)
   */
  readonly authentication?: KedaAuthentication;
}

/** How KEDA's OpenTelemetry scaler aggregates a metric's samples over time. */
export enum MetricAggregation {
  /** The latest sample (KServe's default). */
  LAST_ONE = 'last_one',
  /** The average. */
  AVG = 'avg',
  /** The maximum. */
  MAX = 'max',
  /** The minimum. */
  MIN = 'min',
  /** The per-second rate of a counter. */
  RATE = 'rate',
  /** The number of samples. */
  COUNT = 'count',
}

/** Options for {@link ScalingMetric.openTelemetry}. */
export interface OpenTelemetryMetricOptions {
  /**
   * The pod metric, as the model server exports it (e.g.
   * `vllm:num_requests_running`). KServe's OpenTelemetry collector scrapes
   * it from every predictor pod, and KEDA scales on its sum.
   */
  readonly metricName: string;

  /**
   * The address of the KEDA OpenTelemetry add-on's scaler (gRPC).
   *
   * @default - the `inferenceservice-config` default (`opentelemetry` section)
   */
  readonly scalerAddress?: string;

  /**
   * How samples are aggregated over time.
   *
   * @default MetricAggregation.LAST_ONE (KServe's default)
   */
  readonly operationOverTime?: MetricAggregation;
}

/**
 * What an autoscaler watches.
 *
 * Knative's autoscaler (KPA) scales on `concurrency` or `rps`; Kubernetes'
 * HPA on `cpu` or `memory`; KEDA on a Prometheus query.
 */
export class ScalingMetric {
  /** In-flight requests per replica (Knative KPA). */
  public static readonly CONCURRENCY = new ScalingMetric('concurrency', 'kpa');
  /** Requests per second per replica (Knative KPA). */
  public static readonly RPS = new ScalingMetric('rps', 'kpa');
  /** CPU utilization in percent of the request (HPA or KEDA). */
  public static readonly CPU = new ScalingMetric('cpu', 'resource');
  /** Memory utilization in percent of the request (HPA or KEDA). */
  public static readonly MEMORY = new ScalingMetric('memory', 'resource');

  /**
   * A Prometheus query whose value per replica drives scaling (KEDA only;
   * on the Kubernetes Deployment platform a KEDA ScaledObject is emitted).
   *
   * @param options the query and the Prometheus server
   */
  public static prometheus(options: PrometheusMetricOptions): ScalingMetric {
    return orInvalid(() => {
      const { query, serverAddress } = options ?? ({} as PrometheusMetricOptions);
      checkNonEmpty('ScalingMetric.prometheus', 'query', query);
      if (typeof serverAddress !== 'string' || !/^https?:\/\/[^\s]+$/.test(serverAddress)) {
        fail('ScalingMetric.prometheus', 'serverAddress', serverAddress, 'is not an http(s) URL', 'use e.g. http://prometheus.monitoring:9090');
      }
      checkNoCredential('ScalingMetric.prometheus', 'serverAddress', serverAddress);
      const authentication = options.authentication;
      if (authentication !== undefined && !(authentication instanceof KedaAuthentication)) {
        fail('ScalingMetric.prometheus', 'authentication', authentication, 'is not a KedaAuthentication', 'use KedaAuthentication.bearer(...), basic(...) or fromTriggerAuthentication(...)');
      }
      raiseIfInvalid(authentication);
      return new ScalingMetric('prometheus', 'external', query, serverAddress, authentication);
    }, (e) => invalidInstance(ScalingMetric.prototype, e, ['name', '_family', 'query', 'serverAddress']));
  }

  /**
   * A pod metric collected by OpenTelemetry (KServe's `PodMetric` with the
   * `opentelemetry` backend): KServe runs an OpenTelemetry collector that
   * scrapes the metric from the predictor's pods and feeds the KEDA
   * OpenTelemetry add-on, which scales on their sum. KServe Standard mode
   * with KEDA only; needs the OpenTelemetry operator and the KEDA add-on in
   * the cluster. The scaling target is the summed value to aim for.
   *
   * @param options the metric, scaler address and aggregation
   */
  public static openTelemetry(options: OpenTelemetryMetricOptions): ScalingMetric {
    return orInvalid(() => {
      const scope = 'ScalingMetric.openTelemetry';
      const o = options ?? ({} as OpenTelemetryMetricOptions);
      // KServe wraps it as sum(<name>{namespace=..., deployment=...}) (keda_reconciler.go getKedaMetrics): a name, not PromQL.
      if (typeof o.metricName !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:.]*$/.test(o.metricName)) {
        fail(scope, 'metricName', o.metricName, 'is not a metric name', 'use the exported name, e.g. "vllm:num_requests_running" (KServe adds the pod selectors)');
      }
      if (o.scalerAddress !== undefined && (typeof o.scalerAddress !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/.test(o.scalerAddress))) {
        fail(scope, 'scalerAddress', o.scalerAddress, 'is not a host:port', 'use e.g. "keda-otel-scaler.keda.svc:4318"');
      }
      const ops = Object.values(MetricAggregation) as string[];
      if (o.operationOverTime !== undefined && !ops.includes(o.operationOverTime)) {
        fail(scope, 'operationOverTime', o.operationOverTime, 'is not a MetricAggregation', `use one of ${ops.join(', ')}`);
      }
      return new ScalingMetric('opentelemetry', 'external', o.metricName, o.scalerAddress, undefined, o.operationOverTime);
    }, (e) => invalidInstance(ScalingMetric.prototype, e, ['name', '_family', 'query', 'serverAddress']));
  }


  private constructor(
    /** The metric name (`concurrency`, `rps`, `cpu`, `memory`, `prometheus`). */
    public readonly name: string,
    /** @internal which autoscaler family can use it */
    public readonly _family: 'kpa' | 'resource' | 'external',
    /** The PromQL query, for Prometheus metrics. */
    public readonly query?: string,
    /** The Prometheus address (Prometheus metrics) or the KEDA add-on's scaler (OpenTelemetry metrics). */
    public readonly serverAddress?: string,
    /** How KEDA authenticates to Prometheus, if set. */
    public readonly authentication?: KedaAuthentication,
    /** How an OpenTelemetry metric is aggregated over time, if set. */
    public readonly operationOverTime?: string,
  ) {}

  /** A readable form for messages and logs. */
  public toString(): string {
    return this.name;
  }
}

/** Options shared by every scaling mode. */
export interface ScalingOptions {
  /**
   * The value of the metric per replica that the autoscaler aims for
   * (concurrency: in-flight requests; rps: requests/s; cpu/memory: percent).
   *
   * @default - the autoscaler's default (Knative: 100 concurrent requests; HPA: 80 percent)
   */
  readonly target?: number;

  /**
   * The metric to scale on.
   *
   * @default ScalingMetric.CONCURRENCY in Knative mode, ScalingMetric.CPU otherwise
   */
  readonly metric?: ScalingMetric;

  /**
   * Knative: how long to keep the last replicas after traffic stops
   * (`autoscaling.knative.dev/scale-down-delay`).
   *
   * @default - Knative's default (0s); GPU models get 15 minutes
   */
  readonly scaleDownDelay?: Duration;

  /**
   * Knative: replicas to start with when the revision is created
   * (`autoscaling.knative.dev/initial-scale`).
   *
   * @default - Knative's default (1)
   */
  readonly initialScale?: number;

  /**
   * Knative: the window over which the metric is averaged
   * (`autoscaling.knative.dev/window`, 6s to 1h).
   *
   * @default - Knative's default (60s)
   */
  readonly window?: Duration;

  /**
   * Knative: percent of the target at which new replicas are added
   * (`autoscaling.knative.dev/target-utilization-percentage`, 1 to 100).
   *
   * @default - Knative's default (70)
   */
  readonly targetUtilizationPercentage?: number;

  /**
   * Knative: how long the last replica stays after Knative decided to scale
   * to zero (`autoscaling.knative.dev/scale-to-zero-pod-retention-period`).
   *
   * @default - Knative's default (0s)
   */
  readonly scaleToZeroPodRetentionPeriod?: Duration;
}

/** Options for {@link Scaling.scaleToZero}. */
export interface ScaleToZeroOptions extends ScalingOptions {
  /**
   * Upper bound of replicas.
   *
   * @default - no upper bound (Knative) / 1 (Standard mode, KEDA)
   */
  readonly maxReplicas?: number;
}

/** Options for {@link Scaling.autoscale}. */
export interface AutoscaleOptions extends ScalingOptions {
  /**
   * Lower bound of replicas. 0 allows scale-to-zero.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /**
   * Upper bound of replicas.
   *
   * @default - minReplicas (Knative: no upper bound)
   */
  readonly maxReplicas?: number;
}

/** Engine-neutral scaling, after validation. */
export interface ResolvedScaling {
  readonly minReplicas: number;
  readonly maxReplicas?: number;
  readonly metric?: ScalingMetric;
  readonly target?: number;
  readonly fixed: boolean;
  readonly options: ScalingOptions;
}

/**
 * How many replicas serve a model.
 *
 * Bad input does not throw from the factory: the error is raised where a
 * construct uses the value, after the construct's path and prop
 * (`fleet/fraud-17: scaling Scaling.autoscale: ...`), so a fleet built in a loop
 * says which model it is about.
 *
 * @example
 * Scaling.scaleToZero({ maxReplicas: 10, target: 5 })
 * Scaling.autoscale({ minReplicas: 2, maxReplicas: 8, metric: ScalingMetric.CPU, target: 70 })
 * Scaling.fixedReplicas(3)
 */
export class Scaling {
  /**
   * Scale to zero when idle and back up on the first request. Knative mode
   * does this natively; KServe Standard mode and plain Deployments need KEDA
   * and a Prometheus metric (`ScalingMetric.prometheus`): KEDA cannot wake a
   * model from zero on cpu or memory.
   * @param options upper bound, metric, target and Knative knobs
   */
  public static scaleToZero(options: ScaleToZeroOptions = {}): Scaling {
    return orInvalid(() => {
      return new Scaling('Scaling.scaleToZero', 0, options.maxReplicas, options, false);
    }, (e) => invalidInstance(Scaling.prototype, e));
  }

  /**
   * Autoscale between `minReplicas` and `maxReplicas` on a metric.
   *
   * @param options replica bounds, metric, target and Knative knobs
   */
  public static autoscale(options: AutoscaleOptions = {}): Scaling {
    return orInvalid(() => {
      return new Scaling('Scaling.autoscale', options.minReplicas ?? 1, options.maxReplicas, options, false);
    }, (e) => invalidInstance(Scaling.prototype, e));
  }

  /**
   * Exactly `replicas` replicas, no autoscaling.
   *
   * @param replicas the number of replicas (>= 1)
   */
  public static fixedReplicas(replicas: number): Scaling {
    return orInvalid(() => {
      checkInteger('Scaling.fixedReplicas', 'replicas', replicas, 1, INT32_MAX);
      return new Scaling('Scaling.fixedReplicas', replicas, replicas, {}, true);
    }, (e) => invalidInstance(Scaling.prototype, e));
  }

  private readonly resolved!: ResolvedScaling;
  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(scope: string, minReplicas: number, maxReplicas: number | undefined, options: ScalingOptions, fixed: boolean) {
    // Replica counts are int32 fields in every engine's API (Knative, KServe, HPA, KEDA).
    raiseIfInvalid(options.metric);
    checkInteger(scope, 'minReplicas', minReplicas, 0, INT32_MAX);
    checkInteger(scope, 'maxReplicas', maxReplicas, 1, INT32_MAX);
    checkInteger(scope, 'initialScale', options.initialScale, 0, INT32_MAX);
    checkInteger(scope, 'targetUtilizationPercentage', options.targetUtilizationPercentage, 1, 100);
    if (maxReplicas !== undefined && minReplicas > maxReplicas) {
      fail(scope, 'minReplicas', minReplicas, `is greater than maxReplicas (${maxReplicas})`, 'use minReplicas <= maxReplicas');
    }
    if (options.target !== undefined && (typeof options.target !== 'number' || !Number.isFinite(options.target) || options.target <= 0)) {
      fail(scope, 'target', options.target, 'is not a positive number', 'use a number greater than 0');
    }
    const metric = options.metric;
    if (metric && (metric.name === 'cpu' || metric.name === 'memory') && options.target !== undefined
      && (!Number.isInteger(options.target) || options.target > 100)) {
      fail(scope, 'target', options.target, `is not a valid ${metric.name} utilization`, 'use a whole percentage from 1 to 100');
    }
    if (options.window !== undefined) {
      wholeSeconds(scope, 'window', options.window, 6, 3600, '6 seconds to 1 hour');
    }
    this.resolved = { minReplicas, maxReplicas, metric, target: options.target, fixed, options };
  }

  /** @internal */
  public _resolve(): ResolvedScaling {
    if (this.invalid) throw this.invalid;
    return this.resolved;
  }

  /** The lower bound of replicas (0 when the model scales to zero). */
  public get minReplicas(): number {
    return this._resolve().minReplicas;
  }

  /** The upper bound of replicas, if any. */
  public get maxReplicas(): number | undefined {
    return this._resolve().maxReplicas;
  }
}
