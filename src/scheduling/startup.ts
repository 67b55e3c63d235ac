import { Duration } from 'cdk8s';
import type { ResolvedAccelerator } from './placement';
import { ErrorScope } from '../internal/errors';
import { Probe } from '../internal/k8s';
import { wholeSeconds } from '../internal/units';

/**
 * How long a new replica may take to become ready. GPU models need far more
 * than Knative's 10 minutes when a GPU node has to be provisioned and a large
 * model pulled and loaded.
 */
export interface ModelStartup {
  /**
   * The longest time from a replica's creation to ready: node provisioning,
   * image pull and model load. Knative (KServe serverless, Knative Service):
   * the revision's `serving.knative.dev/progress-deadline`; Deployments:
   * `progressDeadlineSeconds`; and the startup probe's budget. KServe
   * Standard mode fixes its Deployment's deadline at 10 minutes, so there a
   * timeout always comes with a startup probe that carries it.
   *
   * @default - 20 minutes for GPU models; the platform's default otherwise (Knative and Deployments: 10 minutes)
   */
  readonly timeout?: Duration;

  /**
   * Whether the model server gets a startup probe that allows `timeout`
   * before liveness and readiness checks count, so a slow model load is not
   * killed. `false` leaves it out on every platform.
   *
   * @default - true for GPU models, on the platforms that run the server themselves (Knative Service,
   * Deployment: they add liveness probes) and in KServe Standard mode with a `timeout`; false otherwise
   */
  readonly probe?: boolean;
}

/** GPU-safe defaults (documented on ServedModelProps.startup and ScalingOptions). */
export const GPU_DEFAULTS = {
  /** Node provisioning (5-10 min) + image pull + loading tens of GB of weights. */
  startupTimeoutSeconds: 20 * 60,
  /** Keep an idle GPU replica this long: a cold start costs minutes, not seconds. */
  scaleDownDelaySeconds: 15 * 60,
  /** Scale-to-zero GPU models still start one replica at deploy, so a model that cannot load fails the rollout. */
  initialScale: 1,
  probePeriodSeconds: 10,
} as const;

/** Startup as every platform reads it from the ModelSpec. */
export interface ResolvedStartup {
  /** The progress deadline in seconds; undefined = the platform's default. */
  readonly timeoutSeconds?: number;
  /** The startup probe for the model server container, if any (port = the serving port). */
  readonly probe?: Probe;
  /** What the user set (platforms that carry the settings differently tell defaults from requests). */
  readonly requested: { readonly timeout: boolean; readonly probe?: boolean };
}

/** A TCP startup probe on `port` that allows `budgetSeconds` before liveness and readiness count. */
export function startupTcpProbe(port: number, budgetSeconds: number): Probe {
  const period = GPU_DEFAULTS.probePeriodSeconds;
  return { tcpSocket: { port }, periodSeconds: period, failureThreshold: Math.ceil(budgetSeconds / period) };
}

/** Resolves `startup` props, applying the GPU defaults when the model has a GPU. */
export function resolveStartup(
  scope: ErrorScope, startup: ModelStartup | undefined, accelerator: ResolvedAccelerator | undefined, port: number,
): ResolvedStartup {
  const gpu = accelerator?.isGpu ?? false;
  let timeoutSeconds: number | undefined;
  if (startup?.timeout !== undefined) {
    timeoutSeconds = wholeSeconds(scope, 'startup.timeout', startup.timeout, 60, 6 * 3600, '1 minute to 6 hours');
  } else if (gpu) {
    timeoutSeconds = GPU_DEFAULTS.startupTimeoutSeconds;
  }
  const requested = { timeout: startup?.timeout !== undefined, probe: startup?.probe };
  const wantProbe = startup?.probe ?? gpu;
  if (!wantProbe) return { timeoutSeconds, requested };
  return { timeoutSeconds, probe: startupTcpProbe(port, timeoutSeconds ?? 600), requested };
}
