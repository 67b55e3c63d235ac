import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkInteger, raiseIfInvalid, withScope } from '../../internal/errors';
import { wholeSeconds } from '../../internal/units';
import { ResolvedScaling, Scaling } from '../../scaling/scaling';
import { ResolvedAccelerator } from '../../scheduling/placement';
import { GPU_DEFAULTS } from '../../scheduling/startup';

/** The props that decide how many replicas serve and how much each takes on. */
export interface ScalingProps {
  readonly scaling?: Scaling;
  readonly containerConcurrency?: number;
  readonly timeout?: Duration;
}

/** A model's replicas, per-replica concurrency and request timeout. */
export interface ResolvedModelScaling {
  readonly scaling: ResolvedScaling;
  /**
   * Knative autoscaling defaults for GPU models, applied only where the user
   * left the knob unset (see knativeAutoscalingAnnotations): scale-down delay
   * 15 minutes, and initial scale 1 when the model scales to zero.
   */
  readonly gpuScalingDefaults?: { readonly scaleDownDelaySeconds: number; readonly initialScale?: number };
  readonly containerConcurrency?: number;
  readonly timeoutSeconds?: number;
}

const DEFAULT_SCALING = Scaling.autoscale({ minReplicas: 1 });

/** Scaling, with the GPU defaults for a model on GPUs (a cold GPU replica is slow and dear to bring back). */
export function resolveModelScaling(scope: IConstruct, p: ScalingProps, accelerator: ResolvedAccelerator | undefined): ResolvedModelScaling {
  withScope(scope, 'scaling', () => raiseIfInvalid(p.scaling));
  checkInteger(scope, 'containerConcurrency', p.containerConcurrency, 0, 1000);
  const scaling = withScope(scope, 'scaling', () => (p.scaling ?? DEFAULT_SCALING)._resolve());
  return {
    scaling,
    gpuScalingDefaults: accelerator?.isGpu ? {
      scaleDownDelaySeconds: GPU_DEFAULTS.scaleDownDelaySeconds,
      initialScale: scaling.minReplicas === 0 ? GPU_DEFAULTS.initialScale : undefined,
    } : undefined,
    containerConcurrency: p.containerConcurrency,
    timeoutSeconds: p.timeout === undefined ? undefined : wholeSeconds(scope, 'timeout', p.timeout, 1, 3600),
  };
}
