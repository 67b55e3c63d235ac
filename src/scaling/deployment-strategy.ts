import { PercentOrAbsolute } from 'cdk8s-plus-28';
import { fail, invalidInstance, ModelServingError, orInvalid } from '../internal/errors';

/** Options for {@link DeploymentStrategy.rollingUpdate}. */
export interface RollingUpdateOptions {
  /**
   * How many replicas may be created above the desired count during an
   * update: a whole number, or a percent of the desired count (rounded up).
   *
   * @default PercentOrAbsolute.percent(25) (the Kubernetes default)
   */
  readonly maxSurge?: PercentOrAbsolute;

  /**
   * How many replicas may be unavailable during an update: a whole number,
   * or a percent of the desired count (rounded down).
   *
   * @default PercentOrAbsolute.percent(25) (the Kubernetes default)
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/** The `strategy` of a Deployment, as written. */
export interface ResolvedDeploymentStrategy {
  readonly type: 'RollingUpdate' | 'Recreate';
  readonly rollingUpdate?: { readonly maxSurge?: number | string; readonly maxUnavailable?: number | string };
}

/**
 * How a Deployment replaces its pods when the model changes: KServe
 * Standard mode (the predictor's `deploymentStrategy`) and the Kubernetes
 * Deployment platform. Knative replaces revisions itself (KServe rejects
 * the field in Knative mode: `inference_service_validation.go`,
 * `validateScalingKPACompExtension`).
 *
 * @example
 * DeploymentStrategy.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.absolute(0) })
 * DeploymentStrategy.recreate()
 */
export class DeploymentStrategy {
  /**
   * Replace pods a few at a time: new replicas start before old ones stop
   * (within `maxSurge` and `maxUnavailable`).
   *
   * @param options surge and unavailability budgets
   */
  public static rollingUpdate(options: RollingUpdateOptions = {}): DeploymentStrategy {
    return orInvalid(() => {
      const scope = 'DeploymentStrategy.rollingUpdate';
      const maxSurge = budget(scope, 'maxSurge', options?.maxSurge, false);
      const maxUnavailable = budget(scope, 'maxUnavailable', options?.maxUnavailable, true);
      // Kubernetes rejects a rolling update that can neither add nor remove a pod
      // (apps validation, ValidateRollingUpdateDeployment: "may not be 0 when maxSurge is 0").
      if (isZero(maxSurge) && isZero(maxUnavailable)) {
        fail(scope, 'maxUnavailable', maxUnavailable, 'is 0 while maxSurge is 0 too: the update could never progress', 'allow a surge or some unavailability');
      }
      const rollingUpdate: { maxSurge?: number | string; maxUnavailable?: number | string } = {};
      if (maxSurge !== undefined) rollingUpdate.maxSurge = maxSurge;
      if (maxUnavailable !== undefined) rollingUpdate.maxUnavailable = maxUnavailable;
      return new DeploymentStrategy({ type: 'RollingUpdate', rollingUpdate });
    }, (e) => invalidInstance(DeploymentStrategy.prototype, e, ['strategyType']));
  }

  /**
   * Stop every old pod before new ones start: for models that cannot run two
   * versions at once (a GPU node pool without room for a surge, a single
   * writer to a volume). The model is down during the update.
   */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy({ type: 'Recreate' });
  }

  /** Set when the factory failed: raised where a construct uses the value. */
  private readonly invalid?: ModelServingError;

  private constructor(private readonly resolved: ResolvedDeploymentStrategy) {}

  /** `RollingUpdate` or `Recreate` (the Deployment's `strategy.type`). */
  public get strategyType(): string {
    return this._resolve().type;
  }

  /** @internal */
  public _resolve(): ResolvedDeploymentStrategy {
    if (this.invalid) throw this.invalid;
    return this.resolved;
  }
}

function isZero(v: number | string | undefined): boolean {
  return v === 0 || v === '0%';
}

/**
 * A surge or unavailability budget as Kubernetes reads it (an int-or-string:
 * a whole number >= 0, or a percent `N%`); cdk8s-plus writes whatever
 * number it is given, so the range is checked here.
 */
function budget(scope: string, prop: string, v: PercentOrAbsolute | undefined, atMost100: boolean): number | string | undefined {
  if (v === undefined) return undefined;
  const value: unknown = v !== null && typeof v === 'object' ? (v as PercentOrAbsolute).value : v;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 2147483647) {
      fail(scope, prop, value, 'is not a valid replica count', 'use PercentOrAbsolute.absolute(n) with a whole number >= 0');
    }
    return value;
  }
  const m = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  // apps validation, ValidateRollingUpdateDeployment: maxUnavailable may not exceed 100%; a surge may.
  if (!m || (atMost100 && Number(m[1]) > 100)) {
    fail(scope, prop, value, 'is not a valid percent', `use PercentOrAbsolute.percent(n) with a whole number from 0${atMost100 ? ' to 100' : ''}, or PercentOrAbsolute.absolute(n)`);
  }
  return value as string;
}
