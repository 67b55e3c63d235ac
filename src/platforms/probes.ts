import { ResolvedServer } from './model-server-images';
import { Probe } from '../internal/k8s';
import { ModelSpec } from '../model/model-spec';

/** The startup budget when the model sets none (the Deployment and Knative progress deadline default). */
export const DEFAULT_STARTUP_SECONDS = 600;
const STARTUP_PERIOD = 10;

/** The probes of the model server container. */
export interface ServerProbes {
  readonly readinessProbe: Probe;
  readonly livenessProbe: Probe;
  /** Left out only when the model says `startup: { probe: false }`. */
  readonly startupProbe?: Probe;
}

/**
 * Probes on the protocol's health endpoints. Readiness asks whether the model
 * is loaded (V2 `/v2/models/{name}/ready`, V1 `/v1/models/{name}`; Triton's
 * `/v2/health/ready` since it names models after its repository); liveness
 * asks whether the server runs (V2 `/v2/health/live`, a TCP check for V1,
 * which has no liveness route). Servers that do not speak a REST protocol get
 * TCP checks.
 *
 * The startup probe is there unless the model says `startup: { probe: false }`:
 * servers such as KServe's load the model before they open their port, so
 * liveness alone would restart a model that loads slowly. Its budget is
 * `startup.timeout` (GPU models: 20 minutes), else 10 minutes; its period
 * follows `spec.startup.probe` when set.
 *
 * @param knative Knative probes readiness itself, fastest when no period is set
 */
export function serverProbes(spec: ModelSpec, server: ResolvedServer, knative: boolean): ServerProbes {
  const http = server.httpPort;
  const tcp = { tcpSocket: { port: server.servingPort } };
  let ready: Probe = tcp;
  let live: Probe = tcp;
  if (server.speaksProtocol && http !== undefined) {
    const protocol = spec.protocol;
    // The name the server really serves (args, env), else the server's own health path.
    const readyPath = server.modelName !== undefined ? protocol.modelReadyPath(server.modelName) : protocol.healthPath;
    ready = { httpGet: { path: readyPath, port: http } };
    live = protocol.isV2 ? { httpGet: { path: '/v2/health/live', port: http } } : { tcpSocket: { port: http } };
  }
  return {
    readinessProbe: knative ? ready : { ...ready, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { ...live, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 5 },
    startupProbe: spec.startup.requested.probe === false ? undefined : startupProbe(spec, ready),
  };
}

function startupProbe(spec: ModelSpec, handler: Probe): Probe {
  const budget = spec.startup?.timeoutSeconds ?? DEFAULT_STARTUP_SECONDS;
  const period = spec.startup?.probe?.periodSeconds ?? STARTUP_PERIOD;
  return { ...handler, periodSeconds: period, timeoutSeconds: 5, failureThreshold: Math.ceil(budget / period) };
}
