import { GatewayExposure, ResolvedGatewayExposure } from './gateway-exposure';
import { fail, invalidInstance, orInvalid } from '../internal/errors';

/** Options for {@link TrafficRouter.gatewayApi}. */
export interface GatewayApiRouterOptions {
  /**
   * The Gateways, host names, path and timeouts of the route the engine
   * splits.
   *
   * @default - the model's own `gateway` exposure
   */
  readonly gateway?: GatewayExposure;
}

/** A resolved traffic router: what the rollout engines read. */
export interface ResolvedTrafficRouter {
  readonly kind: 'gateway-api';
  /** The exposure given to the router, if any (else the model's). */
  readonly gateway?: ResolvedGatewayExposure;
}

/**
 * What splits a canary's traffic between the stable model and the
 * candidate, so that a 5% step is 5% of requests (not a share of pods).
 * Without a router each engine uses its platform's own: KServe and Knative
 * split by revision, Argo Rollouts approximates weights by replica counts.
 *
 * @example
 * new CanaryRollout(chart, 'churn-v4', {
 *   model: churn, // exposed with gateway: GatewayExposure.route({...})
 *   candidate: { storage: ModelStorage.fromUri('s3://models/churn/v4') },
 *   steps: [5, 25, 50],
 *   trafficRouter: TrafficRouter.gatewayApi(),
 * });
 */
export class TrafficRouter {
  /**
   * Gateway API routing (`gateway.networking.k8s.io/v1`): Flagger's
   * `gatewayapi:v1` provider (Flagger writes the HTTPRoute), or the Argo
   * Rollouts Gateway API plugin `argoproj-labs/gatewayAPI` (the library writes
   * the route with stable and canary Services; the plugin sets the weights).
   * Header A/B tests need it.
   *
   * @param options the route to split (default: the model's `gateway`)
   */
  public static gatewayApi(options: GatewayApiRouterOptions = {}): TrafficRouter {
    return orInvalid(() => {
      const g = options.gateway;
      if (g !== undefined && !(g instanceof GatewayExposure)) {
        fail('TrafficRouter.gatewayApi', 'gateway', g, 'is not a GatewayExposure', 'use GatewayExposure.route({ gateways: [...] })');
      }
      return new TrafficRouter({ kind: 'gateway-api', gateway: g?._resolve() });
    }, (e) => invalidInstance(TrafficRouter.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedTrafficRouter) {}

  /** @internal */
  public _resolve(): ResolvedTrafficRouter {
    return this.resolved;
  }
}
