import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { fail } from '../internal/errors';
import { secondsOf, wholeSeconds } from '../internal/units';
import type { ModelSpec } from '../model/model-spec';
import type { ScalingOptions } from '../scaling/scaling';
import { KNATIVE_PLACEMENT_FLAGS, placementKnativeFlags } from '../scheduling/knative-flags';

/** How long a revision may take to become ready before Knative marks it failed (default 10 minutes). */
export const PROGRESS_DEADLINE_ANNOTATION = 'serving.knative.dev/progress-deadline';

/** A GPU model's Knative autoscaling defaults (`ModelSpec.gpuScalingDefaults`). */
export interface GpuScalingDefaults {
  readonly scaleDownDelaySeconds: number;
  readonly initialScale?: number;
}

/**
 * The Knative autoscaler knobs users tune, as revision annotations, plus the
 * progress deadline. GPU models get GPU-safe defaults for the knobs the user
 * left unset (a cold start costs minutes: scale down late, start one replica).
 *
 * @param options the scaling's Knative knobs
 * @param gpuDefaults a GPU model's defaults for the unset knobs
 * @param progressDeadlineSeconds how long a revision may take to become ready (`startup.timeout`)
 */
export function knativeAutoscalingAnnotations(options: ScalingOptions, gpuDefaults?: GpuScalingDefaults,
  progressDeadlineSeconds?: number): Record<string, string> {
  const o = options;
  const out: Record<string, string> = {};
  const initialScale = o.initialScale ?? gpuDefaults?.initialScale;
  if (initialScale !== undefined) out['autoscaling.knative.dev/initial-scale'] = String(initialScale);
  const scaleDownDelay = o.scaleDownDelay !== undefined ? secondsOf(o.scaleDownDelay) : gpuDefaults?.scaleDownDelaySeconds;
  if (scaleDownDelay !== undefined) out['autoscaling.knative.dev/scale-down-delay'] = `${scaleDownDelay}s`;
  if (progressDeadlineSeconds !== undefined) out[PROGRESS_DEADLINE_ANNOTATION] = `${progressDeadlineSeconds}s`;
  if (o.window !== undefined) out['autoscaling.knative.dev/window'] = `${secondsOf(o.window)}s`;
  if (o.targetUtilizationPercentage !== undefined) out['autoscaling.knative.dev/target-utilization-percentage'] = String(o.targetUtilizationPercentage);
  if (o.scaleToZeroPodRetentionPeriod !== undefined) {
    out['autoscaling.knative.dev/scale-to-zero-pod-retention-period'] = `${secondsOf(o.scaleToZeroPodRetentionPeriod)}s`;
  }
  return out;
}

/** {@link knativeAutoscalingAnnotations} of a served model's spec. */
export function modelAutoscalingAnnotations(spec: ModelSpec): Record<string, string> {
  return knativeAutoscalingAnnotations(spec.scaling.options, spec.gpuScalingDefaults, spec.startup.timeoutSeconds);
}

/** Knative's autoscaler (KPA) only scales on concurrency or rps. */
export function checkKnativeScaling(scope: IConstruct, spec: ModelSpec, platform: string): void {
  const metric = spec.scaling.metric;
  if (metric && metric.name !== 'concurrency' && metric.name !== 'rps') {
    fail(scope, 'scaling.metric', metric.name, `is not a Knative autoscaler (KPA) metric on ${platform}`,
      'use ScalingMetric.CONCURRENCY or ScalingMetric.RPS, or a Standard/Deployment platform for cpu, memory or Prometheus metrics');
  }
  if (spec.scaling.target !== undefined && !Number.isInteger(spec.scaling.target)) {
    fail(scope, 'scaling.target', spec.scaling.target, 'is not a whole number', 'use a whole number of requests');
  }
  const o = spec.scaling.options;
  checkUpToAnHour(scope, 'scaleDownDelay', o.scaleDownDelay);
  checkUpToAnHour(scope, 'scaleToZeroPodRetentionPeriod', o.scaleToZeroPodRetentionPeriod);
}

/**
 * Ports Knative reserves for its queue-proxy, activator and profiling
 * (knative-v1.23.0 `pkg/apis/serving/k8s_validation.go`, `reservedPorts`):
 * its webhook rejects a serving container that declares one.
 */
export const KNATIVE_RESERVED_PORTS: readonly number[] = [8008, 8012, 8013, 8022, 9090, 9091];

/** A model server port Knative would reject. */
export function checkKnativePort(scope: IConstruct, prop: string, port: number | undefined, platform: string): void {
  if (port !== undefined && KNATIVE_RESERVED_PORTS.includes(port)) {
    fail(scope, prop, port, `is reserved by Knative (queue-proxy, activator, profiling) on ${platform}`,
      `use another port, e.g. 8080; reserved: ${KNATIVE_RESERVED_PORTS.join(', ')}`);
  }
}

function checkUpToAnHour(scope: IConstruct, knob: string, d: Duration | undefined): void {
  if (d !== undefined) wholeSeconds(scope, `scaling.${knob}`, d, 0, 3600, '0 to 1 hour');
}

/** Rejects Knative-only knobs on platforms without Knative. */
export function checkNoKnativeKnobs(scope: IConstruct, spec: ModelSpec, platform: string): void {
  const o = spec.scaling.options;
  const knobs: Array<[string, unknown]> = [
    ['initialScale', o.initialScale], ['scaleDownDelay', o.scaleDownDelay], ['window', o.window],
    ['targetUtilizationPercentage', o.targetUtilizationPercentage], ['scaleToZeroPodRetentionPeriod', o.scaleToZeroPodRetentionPeriod],
  ];
  for (const [name, value] of knobs) {
    if (value !== undefined) {
      fail(scope, `scaling.${name}`, value instanceof Duration ? `${secondsOf(value)}s` : value,
        `only applies to the Knative autoscaler, not ${platform}`, 'remove it, or use ServingPlatform.kserve() / knativeService()');
    }
  }
  if (spec.containerConcurrency !== undefined) {
    fail(scope, 'containerConcurrency', spec.containerConcurrency, `only applies to Knative, not ${platform}`, 'remove it, or use a Knative platform');
  }
}

/**
 * The placement flags one model spec needs on a Knative platform. A canary
 * rollout's candidate renders in the same document: its placement counts too.
 */
export function placementFlagsOf(spec: ModelSpec): string[] {
  const flags = placementKnativeFlags(spec.placement);
  const canary = spec.canary?.spec;
  if (canary === undefined) return flags;
  const all = new Set([...flags, ...placementKnativeFlags(canary.placement)]);
  return Object.values(KNATIVE_PLACEMENT_FLAGS).filter((f) => all.has(f));
}
