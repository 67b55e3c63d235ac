import { IConstruct } from 'constructs';
import { withScope } from '../../internal/errors';
import { Accelerator } from '../../scheduling/accelerator';
import { GpuNodePool } from '../../scheduling/node-pool';
import { ResolvedAccelerator, ResolvedPlacement } from '../../scheduling/placement';
import { resolveScheduling } from '../../scheduling/resolve';
import { ModelStartup, ResolvedStartup, resolveStartup } from '../../scheduling/startup';

/** The props that decide where the model's pods run and how long they may take to start. */
export interface SchedulingProps {
  readonly accelerator?: Accelerator;
  readonly nodePool?: GpuNodePool;
  readonly startup?: ModelStartup;
}

/** Where a model's pods run. */
export interface ResolvedModelScheduling {
  /** Accelerator resources and identity, resolved for the node pool (GKE/Karpenter/GFD labels). */
  readonly accelerator?: ResolvedAccelerator;
  readonly gpusPerNode?: number;
  /** Pod placement: nodeSelector, required node affinity, tolerations, runtimeClassName (accelerator + pool merged). */
  readonly placement: ResolvedPlacement;
  readonly startup: ResolvedStartup;
}

/** The accelerator on the node pool, and the startup budget (GPU models wait longer); `port` is what the startup probe checks. */
export function resolveModelScheduling(scope: IConstruct, p: SchedulingProps, port: number): ResolvedModelScheduling {
  const pool = p.nodePool === undefined ? undefined : withScope(scope, 'nodePool', () => p.nodePool!._pool());
  const scheduling = p.accelerator
    ? withScope(scope, 'accelerator', () => p.accelerator!._schedule(scope, pool))
    : resolveScheduling(scope, undefined, pool);
  return {
    accelerator: scheduling.accelerator,
    gpusPerNode: scheduling.gpusPerNode,
    placement: scheduling.placement,
    startup: resolveStartup(scope, p.startup, scheduling.accelerator, port),
  };
}
