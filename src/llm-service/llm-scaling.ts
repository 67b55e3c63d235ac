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

  /**
   * How KEDA picks the count while it falls back (`fallback.behavior`).
   *
   * @default LlmKedaFallbackBehavior.STATIC
   */
  readonly behavior?: LlmKedaFallbackBehavior;
}

/** How KEDA picks the replica count while it cannot read the metric (KEDA's `fallback.behavior`). */
export enum LlmKedaFallbackBehavior {
  /** Hold `replicas` (KEDA's default). */
  STATIC = 'static',
  /** Keep the current count; `replicas` is not used. */
  CURRENT_REPLICAS = 'currentReplicas',
  /** Keep the current count if it is above `replicas`, else `replicas`. */
  CURRENT_REPLICAS_IF_HIGHER = 'currentReplicasIfHigher',
  /** Keep the current count if it is below `replicas`, else `replicas`. */
  CURRENT_REPLICAS_IF_LOWER = 'currentReplicasIfLower',
}

/** What an HPA scaling policy counts (`policies[].type`). */
export enum LlmScalingPolicyType {
  /** An absolute number of pods per period. */
  PODS = 'Pods',
  /** A percentage of the current replicas per period. */
  PERCENT = 'Percent',
}

/** Which policy an HPA applies when several allow a change (`selectPolicy`). */
export enum LlmScalingSelectPolicy {
  /** The policy allowing the largest change (the HPA's default). */
  MAX = 'Max',
  /** The policy allowing the smallest change. */
  MIN = 'Min',
  /** No scaling in this direction. */
  DISABLED = 'Disabled',
}

/** One HPA scaling policy: at most `value` pods (or percent) per `period`. */
export interface LlmScalingPolicy {
  /**
   * Whether `value` counts pods or percent of the current replicas (the
   * HPA's `policies[].type`; named `unit` because `type` is reserved in Go).
   */
  readonly unit: LlmScalingPolicyType;
  /** The most pods (or percent) to add or remove per period; at least 1. */
  readonly value: number;
  /** The window the policy holds over, from 1 second to 30 minutes. */
  readonly period: Duration;
}

/**
 * The HPA's rules for one direction (`behavior.scaleUp` / `behavior.scaleDown`,
 * autoscaling/v2 HPAScalingRules).
 */
export interface LlmScalingRules {
  /**
   * How long the HPA waits before acting on a recommendation in this direction, up to one hour.
   *
   * @default - the HPA's default (0 seconds up, 5 minutes down)
   */
  readonly stabilization?: Duration;

  /**
   * The most replicas to add or remove per period.
   *
   * @default - the HPA's defaults (up: 4 pods or 100% per 15 seconds; down: 100% per 15 seconds)
   */
  readonly policies?: LlmScalingPolicy[];

  /**
   * Which policy applies when several do.
   *
   * @default LlmScalingSelectPolicy.MAX
   */
  readonly selectPolicy?: LlmScalingSelectPolicy;

  /**
   * The relative change in the metric under which the HPA does not act in this
   * direction (e.g. 0.05 for 5%). Needs Kubernetes' HPAConfigurableTolerance
   * feature (1.33+); older API servers drop it.
   *
   * @default - the cluster's tolerance (0.1)
   */
  readonly tolerance?: number;
}

/**
 * Options for {@link LlmScaling.keda}.
 *
 * KEDA's `advanced` block (the HPA behavior KEDA writes,
 * `restoreToOriginalReplicaCount`) is not offered: the KServe 0.20 CRD cannot
 * admit it. Its CEL rule on `wva.keda` reads
 * `size(self.advanced.scalingModifiers.metricType) == 0` without `has()`, so
 * an `advanced` without `scalingModifiers.metricType` fails with "no such
 * key", while an empty `metricType` fails the field's enum (AverageValue,
 * Value). Use {@link LlmScaling.hpa} for scaling policies.
 */
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

  /**
   * Scale-up policies, select policy and tolerance (`behavior.scaleUp`).
   * Its `stabilization` and `scaleUpStabilization` are one field: set one.
   *
   * @default - the HPA's defaults
   */
  readonly scaleUp?: LlmScalingRules;

  /**
   * Scale-down policies, select policy and tolerance (`behavior.scaleDown`).
   * Its `stabilization` and `scaleDownStabilization` are one field: set one.
   *
   * @default - the HPA's defaults
   */
  readonly scaleDown?: LlmScalingRules;
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
        // KServe copies wva.keda.fallback whole into the ScaledObject (scaling.go, v0.20.0).
        const fallback: Record<string, unknown> = { failureThreshold: f.failureThreshold, replicas: f.replicas };
        if (f.behavior !== undefined) {
          const allowed = Object.values(LlmKedaFallbackBehavior) as string[];
          if (!allowed.includes(f.behavior)) fail(scope, 'fallback.behavior', f.behavior, 'is not a KEDA fallback behavior', `use one of ${allowed.join(', ')}`);
          fallback.behavior = f.behavior;
        }
        keda.fallback = fallback;
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
      const behavior = hpaBehavior(scope, options.scaleUp, options.scaleDown, options.scaleUpStabilization, options.scaleDownStabilization);
      if (behavior) hpa.behavior = behavior;
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

/**
 * KServe copies `wva.hpa.behavior` whole into the HPA it creates (scaling.go, v0.20.0), so the
 * behavior must pass autoscaling/v2 HorizontalPodAutoscalerBehavior as the API server validates it
 * (validateScalingRules in pkg/apis/autoscaling/validation/validation.go): stabilization 0-3600 s,
 * policy value > 0, periodSeconds 1-1800, type Pods|Percent, selectPolicy Max|Min|Disabled, tolerance >= 0.
 */
function hpaBehavior(scope: ErrorScope, up: LlmScalingRules | undefined, down: LlmScalingRules | undefined,
  upWindow: Duration | undefined, downWindow: Duration | undefined): Record<string, unknown> | undefined {
  const behavior: Record<string, unknown> = {};
  const u = scalingRules(scope, 'scaleUp', up, 'scaleUpStabilization', upWindow);
  const d = scalingRules(scope, 'scaleDown', down, 'scaleDownStabilization', downWindow);
  if (u) behavior.scaleUp = u;
  if (d) behavior.scaleDown = d;
  return Object.keys(behavior).length ? behavior : undefined;
}

function scalingRules(scope: ErrorScope, prop: string, rules: LlmScalingRules | undefined,
  windowProp: string, window: Duration | undefined): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (window) out.stabilizationWindowSeconds = wholeSeconds(scope, windowProp, window, 0, 3600);
  if (rules === undefined) return Object.keys(out).length ? out : undefined;
  if (rules === null || typeof rules !== 'object') fail(scope, prop, rules, 'is not an object', 'pass { stabilization, policies, selectPolicy, tolerance }');
  if (rules.stabilization !== undefined) {
    if (window) fail(scope, `${prop}.stabilization`, '<Duration>', `is set together with ${windowProp}`, 'set the stabilization window once');
    out.stabilizationWindowSeconds = wholeSeconds(scope, `${prop}.stabilization`, rules.stabilization, 0, 3600);
  }
  if (rules.selectPolicy !== undefined) {
    const allowed = Object.values(LlmScalingSelectPolicy) as string[];
    if (!allowed.includes(rules.selectPolicy)) fail(scope, `${prop}.selectPolicy`, rules.selectPolicy, 'is not a select policy', `use one of ${allowed.join(', ')}`);
    out.selectPolicy = rules.selectPolicy;
  }
  if (rules.policies !== undefined) {
    if (!Array.isArray(rules.policies) || rules.policies.length === 0) {
      fail(scope, `${prop}.policies`, rules.policies, 'is empty', 'list at least one policy, or leave policies unset for the HPA defaults');
    }
    const types = Object.values(LlmScalingPolicyType) as string[];
    out.policies = rules.policies.map((p, i) => {
      const at = `${prop}.policies[${i}]`;
      if (p === null || typeof p !== 'object') fail(scope, at, p, 'is not an object', 'pass { unit, value, period }');
      if (!types.includes(p.unit)) fail(scope, `${at}.unit`, p.unit, 'is not a policy unit', `use LlmScalingPolicyType.${types.map((t) => t.toUpperCase()).join(' or ')}`);
      if (p.value === undefined) fail(scope, `${at}.value`, undefined, 'is required', 'set the pods or percent per period, e.g. 2');
      checkInteger(scope, `${at}.value`, p.value, 1, 100000);
      if (p.period === undefined) fail(scope, `${at}.period`, undefined, 'is required', 'set the window, e.g. Duration.seconds(60)');
      return { type: p.unit, value: p.value, periodSeconds: wholeSeconds(scope, `${at}.period`, p.period, 1, 1800) };
    });
  }
  if (rules.tolerance !== undefined) {
    if (typeof rules.tolerance !== 'number' || !Number.isFinite(rules.tolerance) || rules.tolerance < 0 || rules.tolerance >= 1) {
      fail(scope, `${prop}.tolerance`, rules.tolerance, 'is not a fraction from 0 to below 1', 'use e.g. 0.05 for 5%');
    }
    // A Quantity: a plain decimal string (the CRD's int-or-string with the Quantity pattern).
    out.tolerance = formatDecimal(rules.tolerance);
  }
  return Object.keys(out).length ? out : undefined;
}
