import { Duration } from 'cdk8s';
import { GatewayRef, resolveGatewayRefs, ResolvedGatewayRef } from './gateway-ref';
import { fail, invalidInstance, orInvalid } from '../internal/errors';
import { checkDns1123Label, checkDns1123Subdomain } from '../internal/names';
import { millisOf } from '../internal/units';

/** Options for {@link GatewayExposure.route}. */
export interface GatewayRouteOptions {
  /** The Gateways the route attaches to (`parentRefs`). */
  readonly gateways: GatewayRef[];

  /**
   * Host names the route answers (`hostnames`), e.g. `fraud.models.example.com`
   * or `*.models.example.com`.
   *
   * @default - every host name of the Gateway's listeners
   */
  readonly hostnames?: string[];

  /**
   * The path prefix routed to the model (HTTP models only; gRPC routes match
   * on services and methods).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * The longest a request may take through the Gateway (HTTP models only:
   * GRPCRoute has no timeouts in Gateway API v1).
   *
   * @default - the Gateway implementation's default
   */
  readonly requestTimeout?: Duration;

  /**
   * The longest one attempt from the Gateway to a model pod may take; at
   * most `requestTimeout` (HTTP models only).
   *
   * @default - the Gateway implementation's default
   */
  readonly backendRequestTimeout?: Duration;

  /**
   * The route's name.
   *
   * @default - the model's name
   */
  readonly name?: string;

  /**
   * The namespace the route lives in, when the Gateway only admits routes
   * from its own namespace. The model's namespace then gets a
   * `ReferenceGrant` that lets the route reach the model's Service.
   *
   * @default - the model's namespace
   */
  readonly routeNamespace?: string;
}

/** A resolved exposure: what the route documents and the rollout engines read. */
export interface ResolvedGatewayExposure {
  readonly gateways: ResolvedGatewayRef[];
  readonly hostnames: string[];
  readonly pathPrefix?: string;
  /** Gateway API durations (`30s`, `1500ms`). */
  readonly requestTimeout?: string;
  readonly backendRequestTimeout?: string;
  readonly name?: string;
  readonly routeNamespace?: string;
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// Gateway API HTTPPathMatch CEL: allowed characters of an absolute path.
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/;

/**
 * How a model is reached from outside through an existing Gateway API
 * Gateway (Istio, Envoy Gateway, kgateway, Cilium, GKE...). On the
 * Deployment platform the model gets an `HTTPRoute` (a `GRPCRoute` for gRPC
 * models) to its Service, and a `ReferenceGrant` when the route lives in
 * another namespace. A `CanaryRollout` with `TrafficRouter.gatewayApi()`
 * splits this route's traffic between stable and candidate.
 *
 * KServe Standard mode (REST models) gets an HTTPRoute to the
 * `{name}-predictor` (or `-transformer`) Service that KServe creates, next
 * to or instead of KServe's own route (`disableIngressCreation` in its
 * `ingress` config). KServe in Knative mode and Knative Services route
 * through Knative's ingress (net-gateway-api): use `visibility:
 * Visibility.EXTERNAL` and `timeout` there.
 *
 * @example
 * GatewayExposure.route({
 *   gateways: [GatewayRef.of('inference', { namespace: 'gateway-system' })],
 *   hostnames: ['fraud.models.example.com'],
 *   requestTimeout: Duration.seconds(30),
 * })
 */
export class GatewayExposure {
  /**
   * A route from the given Gateways to the model.
   *
   * @param options the Gateways, host names, path and timeouts
   */
  public static route(options: GatewayRouteOptions): GatewayExposure {
    return orInvalid(() => {
      const scope = 'GatewayExposure.route';
      const o = options ?? ({} as GatewayRouteOptions);
      const gateways = resolveGatewayRefs(scope, 'gateways', o.gateways);
      const hostnames = o.hostnames ?? [];
      if (!Array.isArray(hostnames)) fail(scope, 'hostnames', hostnames, 'is not a list', 'give host names such as "fraud.models.example.com"');
      if (hostnames.length > 16) fail(scope, 'hostnames', hostnames.length, 'lists too many host names', 'use at most 16 (Gateway API limit)');
      hostnames.forEach((h, i) => {
        if (typeof h !== 'string' || !HOSTNAME.test(h) || h.length > 253) {
          fail(scope, `hostnames[${i}]`, h, 'is not a valid host name',
            'use a lower-case DNS name, optionally starting with "*." (no IP addresses, ports or trailing dot)');
        }
      });
      if (new Set(hostnames).size !== hostnames.length) fail(scope, 'hostnames', hostnames, 'has duplicates', 'list each host name once');
      if (o.pathPrefix !== undefined) checkPath(scope, o.pathPrefix);
      const request = o.requestTimeout !== undefined ? gatewayDuration(scope, 'requestTimeout', o.requestTimeout) : undefined;
      const backend = o.backendRequestTimeout !== undefined ? gatewayDuration(scope, 'backendRequestTimeout', o.backendRequestTimeout) : undefined;
      if (request && backend && backend.millis > request.millis) {
        fail(scope, 'backendRequestTimeout', backend.text, `is longer than requestTimeout (${request.text})`,
          'use a backendRequestTimeout <= requestTimeout (a Gateway API rule)');
      }
      if (o.name !== undefined) checkDns1123Subdomain(scope, 'name', o.name);
      if (o.routeNamespace !== undefined) checkDns1123Label(scope, 'routeNamespace', o.routeNamespace);
      return new GatewayExposure({
        gateways,
        hostnames: [...hostnames],
        pathPrefix: o.pathPrefix,
        requestTimeout: request?.text,
        backendRequestTimeout: backend?.text,
        name: o.name,
        routeNamespace: o.routeNamespace,
      });
    }, (e) => invalidInstance(GatewayExposure.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedGatewayExposure) {}

  /** The host names the route answers (empty: the Gateway's). */
  public get hostnames(): string[] {
    return [...this.resolved.hostnames];
  }

  /** @internal */
  public _resolve(): ResolvedGatewayExposure {
    return this.resolved;
  }
}

function checkPath(scope: string, path: string): void {
  const bad = typeof path !== 'string' || !path.startsWith('/') || !PATH_CHARS.test(path)
    || ['//', '/./', '/../', '%2f', '%2F', '#'].some((s) => path.includes(s)) || path.endsWith('/..') || path.endsWith('/.')
    || path.length > 1024;
  if (bad) {
    fail(scope, 'pathPrefix', path, 'is not a valid path prefix',
      'use an absolute path such as "/models/fraud", without "//", "/./", "/../", "#" or encoded slashes, at most 1024 characters');
  }
}

/** A Gateway API Duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`): whole seconds, else milliseconds. */
function gatewayDuration(scope: string, prop: string, d: Duration): { readonly millis: number; readonly text: string } {
  if (!(d instanceof Duration)) fail(scope, prop, d, 'is not a Duration', 'use Duration.seconds(n) from cdk8s');
  const ms = millisOf(d);
  if (!Number.isInteger(ms) || ms < 1 || ms > 99999 * 1000) {
    fail(scope, prop, `${ms}ms`, 'is out of range', 'use whole milliseconds from 1ms to 99999s');
  }
  if (ms % 1000 === 0) return { millis: ms, text: `${ms / 1000}s` };
  if (ms > 99999) fail(scope, prop, `${ms}ms`, 'cannot be written as a Gateway API duration', 'use whole seconds above 99999ms');
  return { millis: ms, text: `${ms}ms` };
}

/** The Service a Gateway route sends a model's traffic to. */
export interface GatewayBackend {
  /** The Service's name (in the model's namespace). */
  readonly service: string;
  /** The Service port that serves the model's protocol. */
  readonly port: number;
  /** Whether that port speaks gRPC (a GRPCRoute, not an HTTPRoute). */
  readonly grpc: boolean;
}
