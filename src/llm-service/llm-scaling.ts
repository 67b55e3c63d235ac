import { Duration } from 'cdk8s';
import { checkInteger, ErrorScope, fail, invalidInstance, orInvalid } from '../internal/errors';
import { wholeSeconds } from '../internal/units';

/** Options every {@link LlmScaling} takes. */
export interface LlmScalingOptions {
  /**
   * The fewest replicas while the autoscaler's triggers are active.
   *
   * @default 1
   */
  readonly minReplicas?: number;

  /** The most replicas. */
  readonly maxReplicas: number;

  /**
   * Cost of one replica of this variant for the Workload Variant Autoscaler's
   * saturation analysis (a non-negative number, e.g. 10 for an H100 replica,
   * 2 for an L4 one).
   *
   * @default 10 (KServe's default)
   */
  readonly variantCost?: number;
}

/**
 * The replicas KEDA holds while it cannot read the WVA metric (Prometheus
 * down, metric missing), instead of freezing at the last count.
 */
export interface LlmKedaFallback {
  /** Failed reads in a row before KEDA falls back. */
  readonly failureThreshold: number;

  /** The replicas to hold meanwhile, from minReplicas to maxReplicas. */
  readonly replicas: number;
}

/** Options for {@link LlmScaling.keda}. */
export interface LlmKedaScalingOptions extends LlmScalingOptions {
  /**
   * Replicas KEDA keeps while no trigger is active: the idle floor below
   * `minReplicas`. KServe 0.20 requires at least 1 (the CRD's minimum), so an
   * LLM service idles at one warm replica rather than none.
   *
   * @default - KEDA does not go below minReplicas
   */
  readonly idleReplicaCount?: number;

  /**
   * How often KEDA checks the trigger.
   *
   * @default - KEDA's default (30 seconds)
   */
  readonly pollingInterval?: Duration;

  /**
   * How long after the last active trigger KEDA waits before scaling down to the idle floor.
   *
   * @default - KEDA's default (5 minutes)
   */
  readonly cooldownPeriod?: Duration;

  /**
   * How long after creation KEDA waits before its first decision: the time a
   * replica needs to load the model.
   *
   * @default - none
   */
  readonly initialCooldownPeriod?: Duration;

  /**
   * The replicas to hold while KEDA cannot read the metric (`wva.keda.fallback`).
   *
   * @default - no fallback (KEDA keeps the last count)
   */
  readonly fallback?: LlmKedaFallback;
}

/** Options for {@link LlmScaling.hpa}. */
export interface LlmHpaScalingOptions extends LlmScalingOptions {
  /**
   * How long the HPA waits before acting on a lower recommendation.
   *
   * @default - the HPA's default (5 minutes)
   */
  readonly scaleDownStabilization?: Duration;

  /**
   * How long the HPA waits before acting on a higher recommendation (0 scales up at once).
   *
   * @default - the HPA's default (0 seconds)
   */
  readonly scaleUpStabilization?: Duration;
}

/** Scaling as KServe's `spec.scaling` takes it (engine-neutral). */
export interface ResolvedLlmScaling {
  readonly actuator: 'keda' | 'hpa';
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly idleReplicaCount?: number;
  /** The `spec.scaling` object. */
  readonly json: Record<string, unknown>;
}

/**
 * Autoscaling of an LLM workload by KServe's Workload Variant Autoscaler
 * (WVA), which scales on inference metrics (KV-cache use, queue depth)
 * rather than CPU. WVA publishes the desired replicas; KEDA or an HPA acts
 * on them.
 *
 * @example
 * LlmScaling.keda({ minReplicas: 2, maxReplicas: 8, idleReplicaCount: 1 })
 * LlmScaling.hpa({ maxReplicas: 4 })
 */
export class LlmScaling {
  /**
   * WVA with a KEDA ScaledObject as actuator: KEDA reads the WVA metric from
   * Prometheus directly, and can drop to `idleReplicaCount` when idle.
   *
   * @param options replica bounds, idle floor and KEDA timings
   */
  public static keda(options: LlmKedaScalingOptions): LlmScaling {
    return orInvalid(() => {
      const scope = 'LlmScaling.keda';
      const base = checkBase(scope, options);
      checkInteger(scope, 'idleReplicaCount', options.idleReplicaCount, 0);
      const idle = options.idleReplicaCount;
      if (idle !== undefined) {
        // CRD: idleReplicaCount minimum 1; CEL on ScalingSpec: minReplicas required, idleReplicaCount < minReplicas
        // (serving.kserve.io_llminferenceservices.yaml, ScalingSpec in llm_inference_service_types.go, v0.20.0).
        if (idle < 1) {
          fail(scope, 'idleReplicaCount', idle, 'is below the minimum of 1 KServe 0.20 accepts (LLMInferenceService CRD)',
            'use 1 to idle at one warm replica, or replicas: 0 to stop the service');
        }
        if (options.minReplicas === undefined) {
          fail(scope, 'minReplicas', undefined, 'is required when idleReplicaCount is set', `set minReplicas above idleReplicaCount ${idle}`);
        }
        if (idle >= base.minReplicas) {
          fail(scope, 'idleReplicaCount', idle, `is not less than minReplicas ${base.minReplicas}`,
            'idleReplicaCount is the floor when no trigger is active; keep it below minReplicas');
        }
      }
      const keda: Record<string, unknown> = {};
      if (options.pollingInterval) keda.pollingInterval = wholeSeconds(scope, 'pollingInterval', options.pollingInterval, 1, 86400);
      if (options.cooldownPeriod) keda.cooldownPeriod = wholeSeconds(scope, 'cooldownPeriod', options.cooldownPeriod, 0, 86400);
      if (options.initialCooldownPeriod) {
        keda.initialCooldownPeriod = wholeSeconds(scope, 'initialCooldownPeriod', options.initialCooldownPeriod, 0, 86400);
      }
      if (idle !== undefined) keda.idleReplicaCount = idle;
      if (options.fallback !== undefined) {
        const f = options.fallback;
        if (f === null || typeof f !== 'object') fail(scope, 'fallback', f, 'is not an object', 'pass { failureThreshold, replicas }');
        if (f.failureThreshold === undefined) fail(scope, 'fallback.failureThreshold', undefined, 'is required', 'set the failed reads before the fallback, e.g. 3');
        checkInteger(scope, 'fallback.failureThreshold', f.failureThreshold, 1, 1000);
        if (f.replicas === undefined) fail(scope, 'fallback.replicas', undefined, 'is required', `set the replicas to hold, from ${base.minReplicas} to ${options.maxReplicas}`);
        // The HPA KEDA drives clamps any count to [minReplicas, maxReplicas]: a fallback outside would not be what runs.
        checkInteger(scope, 'fallback.replicas', f.replicas, base.minReplicas, options.maxReplicas);
        keda.fallback = { failureThreshold: f.failureThreshold, replicas: f.replicas };
      }
      return new LlmScaling({
        actuator: 'keda',
        minReplicas: base.minReplicas,
        maxReplicas: options.maxReplicas,
        idleReplicaCount: idle,
        json: { ...base.json, wva: { ...base.wva, keda } },
      });
    }, (e) => invalidInstance(LlmScaling.prototype, e, ['resolved']));
  }

  /**
   * WVA with a HorizontalPodAutoscaler as actuator. Needs a Prometheus
   * Adapter that serves `wva_desired_replicas` on the external metrics API;
   * without it the HPA stops scaling silently. Prefer KEDA when unsure.
   *
   * @param options replica bounds and scale-down stabilization
   */
  public static hpa(options: LlmHpaScalingOptions): LlmScaling {
    return orInvalid(() => {
      const scope = 'LlmScaling.hpa';
      const base = checkBase(scope, options);
      const hpa: Record<string, unknown> = {};
      const behavior: Record<string, unknown> = {};
      // HorizontalPodScalingRules: stabilizationWindowSeconds from 0 to 3600.
      if (options.scaleDownStabilization) {
        behavior.scaleDown = { stabilizationWindowSeconds: wholeSeconds(scope, 'scaleDownStabilization', options.scaleDownStabilization, 0, 3600) };
      }
      if (options.scaleUpStabilization) {
        behavior.scaleUp = { stabilizationWindowSeconds: wholeSeconds(scope, 'scaleUpStabilization', options.scaleUpStabilization, 0, 3600) };
      }
      if (Object.keys(behavior).length) hpa.behavior = behavior;
      return new LlmScaling({
        actuator: 'hpa',
        minReplicas: base.minReplicas,
        maxReplicas: options.maxReplicas,
        json: { ...base.json, wva: { ...base.wva, hpa } },
      });
    }, (e) => invalidInstance(LlmScaling.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedLlmScaling) {}

  /** The fewest replicas while active. */
  public get minReplicas(): number {
    return this.resolved.minReplicas;
  }

  /** The most replicas. */
  public get maxReplicas(): number {
    return this.resolved.maxReplicas;
  }

  /** @internal */
  public _resolve(): ResolvedLlmScaling {
    return this.resolved;
  }
}

function checkBase(scope: ErrorScope, o: LlmScalingOptions) {
  if (!o || typeof o !== 'object') fail(scope, 'options', o, 'are missing', 'pass at least maxReplicas');
  checkInteger(scope, 'maxReplicas', o.maxReplicas, 1, 10000);
  if (o.maxReplicas === undefined) fail(scope, 'maxReplicas', undefined, 'is required', 'set the most replicas, e.g. 4');
  // CRD: minReplicas minimum 1 (scale to zero is not an LLMInferenceService feature in KServe 0.20).
  if (o.minReplicas !== undefined && o.minReplicas === 0) {
    fail(scope, 'minReplicas', 0, 'is below the minimum of 1 KServe 0.20 accepts for LLM services', 'use 1 or more; with KEDA, idleReplicaCount lowers the idle floor');
  }
  checkInteger(scope, 'minReplicas', o.minReplicas, 1, 10000);
  const min = o.minReplicas ?? 1;
  // CEL on ScalingSpec: minReplicas cannot exceed maxReplicas.
  if (min > o.maxReplicas) fail(scope, 'minReplicas', min, `exceeds maxReplicas ${o.maxReplicas}`, 'keep minReplicas <= maxReplicas');
  const wva: Record<string, unknown> = {};
  if (o.variantCost !== undefined) {
    if (typeof o.variantCost !== 'number' || !Number.isFinite(o.variantCost) || o.variantCost < 0) {
      fail(scope, 'variantCost', o.variantCost, 'is not a non-negative number', 'use e.g. 10 or 2.5');
    }
    // The CRD's pattern ^\d+(\.\d+)?$: no exponent, no sign.
    wva.variantCost = formatDecimal(o.variantCost);
  }
  const json: Record<string, unknown> = { maxReplicas: o.maxReplicas };
  if (o.minReplicas !== undefined) json.minReplicas = o.minReplicas;
  return { minReplicas: min, json, wva };
}

function formatDecimal(n: number): string {
  const s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s;
}
