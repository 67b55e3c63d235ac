import { IConstruct } from 'constructs';
import { PlannedDocument } from './compiler';
import { fail } from '../internal/errors';
import { compact } from '../internal/k8s';
import { GatewayBackend, ResolvedGatewayExposure } from '../traffic/gateway-exposure';
import { parentRefOf } from '../traffic/gateway-ref';

/** The Gateway API group and the version of the routes and grants written. */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** One Service a route rule sends traffic to, with its weight (omitted: Gateway API's default, 1). */
export interface RouteBackendRef {
  readonly service: string;
  readonly weight?: number;
}

/** `HTTPRoute`, or `GRPCRoute` for a model whose Service port speaks gRPC. */
export function routeKind(backend: GatewayBackend): string {
  return backend.grpc ? 'GRPCRoute' : 'HTTPRoute';
}

/** The route's name and namespace. */
export function routeIdentity(e: ResolvedGatewayExposure, modelName: string,
  modelNamespace: string | undefined): { name: string; namespace?: string } {
  return { name: e.name ?? modelName, namespace: e.routeNamespace ?? modelNamespace };
}

/** Whether the route lives outside the model's namespace (and so needs a ReferenceGrant there). */
export function crossNamespace(e: ResolvedGatewayExposure, modelNamespace: string | undefined): boolean {
  return e.routeNamespace !== undefined && e.routeNamespace !== modelNamespace;
}

/** Rules an exposure cannot meet on this backend: gRPC routes have no path or timeouts; a cross-namespace route needs the model's namespace. */
export function checkExposure(scope: IConstruct, e: ResolvedGatewayExposure, backend: GatewayBackend, modelNamespace: string | undefined): void {
  if (backend.grpc) {
    // Gateway API v1 GRPCRoute rules have matches on service/method, and no timeouts.
    if (e.pathPrefix !== undefined) {
      fail(scope, 'gateway.pathPrefix', e.pathPrefix, 'cannot route a gRPC model (GRPCRoute matches gRPC services, not paths)',
        'drop pathPrefix, or serve the model over REST (InferenceProtocol.V2)');
    }
    const t = e.requestTimeout ?? e.backendRequestTimeout;
    if (t !== undefined) {
      fail(scope, e.requestTimeout !== undefined ? 'gateway.requestTimeout' : 'gateway.backendRequestTimeout', t,
        'cannot be set on a GRPCRoute (Gateway API v1 has no gRPC route timeouts)',
        'drop it and configure the timeout on the Gateway implementation (e.g. a BackendTrafficPolicy)');
    }
  }
  if (crossNamespace(e, modelNamespace) && modelNamespace === undefined) {
    fail(scope, 'gateway.routeNamespace', e.routeNamespace, 'needs the model\'s own namespace to point the route and its ReferenceGrant at',
      'set namespace on the model or its chart');
  }
}

/** The route's `spec`: one rule (path prefix, timeouts) to the given backends. */
export function routeSpec(e: ResolvedGatewayExposure, backend: GatewayBackend, refs: RouteBackendRef[],
  modelNamespace: string | undefined): Record<string, unknown> {
  const cross = crossNamespace(e, modelNamespace);
  const backendRefs = refs.map((r) => compact({
    name: r.service,
    namespace: cross ? modelNamespace : undefined,
    port: backend.port,
    weight: r.weight,
  }));
  const rule = backend.grpc
    ? { backendRefs }
    : compact({
      matches: [{ path: { type: 'PathPrefix', value: e.pathPrefix ?? '/' } }],
      backendRefs,
      timeouts: e.requestTimeout || e.backendRequestTimeout
        ? compact({ request: e.requestTimeout, backendRequest: e.backendRequestTimeout }) : undefined,
    });
  return compact({
    parentRefs: e.gateways.map(parentRefOf),
    hostnames: e.hostnames.length ? [...e.hostnames] : undefined,
    rules: [rule],
  });
}

/** The `ReferenceGrant` spec that lets the route (in its namespace) reach the given Services of the model's namespace. */
export function referenceGrantSpec(e: ResolvedGatewayExposure, backend: GatewayBackend, services: string[]): Record<string, unknown> {
  return {
    from: [{ group: GATEWAY_GROUP, kind: routeKind(backend), namespace: e.routeNamespace }],
    to: services.map((name) => ({ group: '', kind: 'Service', name })),
  };
}

/** The ReferenceGrant's name in the model's namespace. */
export function referenceGrantName(e: ResolvedGatewayExposure, modelName: string): string {
  return `${e.name ?? modelName}-from-${e.routeNamespace}`;
}

/**
 * The documents that expose a model through a Gateway: the route to its
 * Service, and the ReferenceGrant a route in another namespace needs.
 */
export function gatewayPlans(e: ResolvedGatewayExposure, backend: GatewayBackend, modelName: string,
  modelNamespace: string | undefined): PlannedDocument[] {
  const id = routeIdentity(e, modelName, modelNamespace);
  const kind = routeKind(backend);
  const plans: PlannedDocument[] = [{
    id: kind,
    apiVersion: GATEWAY_API_VERSION,
    kind,
    name: id.name,
    namespace: id.namespace,
    spec: () => routeSpec(e, backend, [{ service: backend.service }], modelNamespace),
  }];
  if (crossNamespace(e, modelNamespace)) {
    plans.push({
      id: 'ReferenceGrant',
      apiVersion: GATEWAY_API_VERSION,
      kind: 'ReferenceGrant',
      name: referenceGrantName(e, modelName),
      spec: () => referenceGrantSpec(e, backend, [backend.service]),
    });
  }
  return plans;
}
