import { Duration } from 'cdk8s';
import {
  GatewayExposure, GatewayRef, InferenceProtocol, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform, Visibility,
} from '../src';
import { docOf, newChart, synth } from './util';

const GATEWAY = GatewayRef.of('inference', { namespace: 'gateway-system', sectionName: 'https' });

function exposed(gateway: GatewayExposure, props: Record<string, unknown> = {}, namespace: string | null = 'ml') {
  const chart = newChart(namespace ?? undefined);
  const model = new ServedModel(chart, 'churn', {
    format: ModelFormat.XGBOOST,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'churn/v3' }),
    platform: ServingPlatform.kubernetesDeployment(),
    gateway,
    ...props,
  });
  return { chart, model };
}

describe('GatewayExposure on the Deployment platform', () => {
  test('an HTTPRoute from the Gateway to the model Service, with host name, path prefix and timeouts', () => {
    const { chart } = exposed(GatewayExposure.route({
      gateways: [GATEWAY],
      hostnames: ['churn.models.example.com'],
      pathPrefix: '/v2/models/churn',
      requestTimeout: Duration.seconds(30),
      backendRequestTimeout: Duration.millis(2500),
    }));
    const docs = synth(chart);
    expect(docs.map((d) => `${d.apiVersion}/${d.kind}/${d.metadata.name}`)).toEqual([
      'apps/v1/Deployment/churn', 'v1/Service/churn', 'gateway.networking.k8s.io/v1/HTTPRoute/churn',
    ]);
    const route = docOf(docs, 'HTTPRoute');
    expect(route.metadata.namespace).toBe('ml');
    expect(route.metadata.labels).toMatchObject({
      'app.kubernetes.io/name': 'churn', 'app.kubernetes.io/part-of': 'churn', 'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
    });
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'inference', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['churn.models.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/v2/models/churn' } }],
        backendRefs: [{ name: 'churn', port: 80 }],
        timeouts: { request: '30s', backendRequest: '2500ms' },
      }],
    });
    // The Service port the route names serves HTTP.
    expect(docOf(docs, 'Service').spec.ports[0]).toMatchObject({ name: 'http', port: 80 });
    expect(docs).toMatchSnapshot();
  });

  test('defaults: every path, the Gateway\'s host names, no timeouts', () => {
    const { chart } = exposed(GatewayExposure.route({ gateways: [GatewayRef.of('public')] }));
    expect(docOf(synth(chart), 'HTTPRoute').spec).toEqual({
      parentRefs: [{ name: 'public' }],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'churn', port: 80 }] }],
    });
  });

  test('a gRPC model gets a GRPCRoute to its h2c port', () => {
    const { chart } = exposed(GatewayExposure.route({ gateways: [GATEWAY], hostnames: ['*.grpc.example.com'] }), {
      format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2,
    });
    const docs = synth(chart);
    const route = docOf(docs, 'GRPCRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'inference', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['*.grpc.example.com'],
      rules: [{ backendRefs: [{ name: 'churn', port: 80 }] }],
    });
    expect(docOf(docs, 'Service').spec.ports[0]).toMatchObject({ name: 'grpc', port: 80, appProtocol: 'kubernetes.io/h2c' });
    expect(docs.some((d) => d.kind === 'HTTPRoute')).toBe(false);
  });

  test('a route in the Gateway\'s namespace reaches the Service through a ReferenceGrant', () => {
    const { chart } = exposed(GatewayExposure.route({ gateways: [GatewayRef.of('inference')], routeNamespace: 'gateway-system', name: 'churn-public' }));
    const docs = synth(chart);
    const route = docOf(docs, 'HTTPRoute');
    expect(route.metadata).toMatchObject({ name: 'churn-public', namespace: 'gateway-system' });
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'churn', namespace: 'ml', port: 80 }]);
    const grant = docOf(docs, 'ReferenceGrant');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(grant.metadata).toMatchObject({ name: 'churn-public-from-gateway-system', namespace: 'ml' });
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'gateway-system' }],
      to: [{ group: '', kind: 'Service', name: 'churn' }],
    });
  });

  test('a route in the model\'s own namespace needs no ReferenceGrant', () => {
    const { chart } = exposed(GatewayExposure.route({ gateways: [GATEWAY], routeNamespace: 'ml' }));
    const docs = synth(chart);
    expect(docs.some((d) => d.kind === 'ReferenceGrant')).toBe(false);
    expect(docOf(docs, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: 'churn', port: 80 }]);
  });
});

describe('GatewayExposure on KServe Standard mode', () => {
  test('an HTTPRoute to the predictor Service KServe creates (the transformer\'s when there is one)', () => {
    const scaling = Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 });
    const { chart } = exposed(GatewayExposure.route({ gateways: [GATEWAY], hostnames: ['churn.example.com'] }), {
      platform: ServingPlatform.kserveStandard(), scaling,
    });
    const docs = synth(chart);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['InferenceService/churn', 'HTTPRoute/churn']);
    expect(docOf(docs, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: 'churn-predictor', port: 80 }]);
    const { chart: c2 } = exposed(GatewayExposure.route({ gateways: [GATEWAY] }), {
      platform: ServingPlatform.kserveStandard(), scaling, transformer: { image: 'ghcr.io/acme/churn-features:1.2.0' },
    });
    expect(docOf(synth(c2), 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: 'churn-transformer', port: 80 }]);
  });
});

describe('GatewayExposure errors', () => {
  const route = (o: Record<string, unknown>) => () => GatewayExposure.route({ gateways: [GATEWAY], ...o } as any)._resolve();

  test('no gateway', () => {
    expect(() => GatewayExposure.route({ gateways: [] })._resolve())
      .toThrow('GatewayExposure.route: gateways [] is empty; give at least one GatewayRef.of(name) to attach the route to');
    expect(() => GatewayExposure.route({} as any)._resolve()).toThrow('GatewayExposure.route: gateways undefined is empty;');
    expect(() => GatewayExposure.route({ gateways: ['inference'] as any })._resolve())
      .toThrow('GatewayExposure.route: gateways[0] "inference" is not a GatewayRef; use GatewayRef.of(name, options)');
  });

  test('the same Gateway twice needs distinct listeners', () => {
    expect(() => GatewayExposure.route({ gateways: [GatewayRef.of('a'), GatewayRef.of('a', { sectionName: 'https' })] })._resolve())
      .toThrow('GatewayExposure.route: gateways "a" is listed more than once without a sectionName on each; give every entry of the same Gateway a distinct sectionName');
    expect(() => GatewayExposure.route({ gateways: [GatewayRef.of('a', { sectionName: 'x', port: 80 }), GatewayRef.of('a', { sectionName: 'x', port: 443 })] })._resolve())
      .toThrow('gateways "a" is listed twice with the same listener');
  });

  test('bad refs, host names, paths and timeouts', () => {
    expect(() => GatewayRef.of('Bad_Name')._resolve()).toThrow('GatewayRef.of: name "Bad_Name" is not a valid DNS-1123 subdomain;');
    expect(() => GatewayRef.of('a', { port: 70000 })._resolve()).toThrow('GatewayRef.of: port 70000 is not allowed; use a whole number from 1 to 65535');
    expect(route({ hostnames: ['10.0.0.1:80'] })).toThrow('GatewayExposure.route: hostnames[0] "10.0.0.1:80" is not a valid host name;');
    expect(route({ hostnames: ['a.example.com', 'a.example.com'] })).toThrow('hostnames ["a.example.com","a.example.com"] has duplicates');
    expect(route({ pathPrefix: 'models' })).toThrow('GatewayExposure.route: pathPrefix "models" is not a valid path prefix;');
    expect(route({ pathPrefix: '/a//b' })).toThrow('pathPrefix "/a//b" is not a valid path prefix');
    expect(route({ pathPrefix: '/a/%2F' })).toThrow('pathPrefix "/a/%2F" is not a valid path prefix');
    expect(route({ requestTimeout: Duration.seconds(10), backendRequestTimeout: Duration.seconds(20) }))
      .toThrow('GatewayExposure.route: backendRequestTimeout "20s" is longer than requestTimeout (10s); use a backendRequestTimeout <= requestTimeout (a Gateway API rule)');
    expect(route({ requestTimeout: Duration.millis(0.5) })).toThrow('requestTimeout "0.5ms" is out of range; use whole milliseconds from 1ms to 99999s');
  });

  test('gRPC routes have no path or timeouts', () => {
    const grpc = { format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2 };
    expect(() => exposed(GatewayExposure.route({ gateways: [GATEWAY], pathPrefix: '/x' }), grpc))
      .toThrow('test/churn: gateway.pathPrefix "/x" cannot route a gRPC model (GRPCRoute matches gRPC services, not paths);');
    expect(() => exposed(GatewayExposure.route({ gateways: [GATEWAY], requestTimeout: Duration.seconds(5) }), grpc))
      .toThrow('test/churn: gateway.requestTimeout "5s" cannot be set on a GRPCRoute (Gateway API v1 has no gRPC route timeouts);');
  });

  test('a cross-namespace route needs the model\'s namespace', () => {
    expect(() => exposed(GatewayExposure.route({ gateways: [GATEWAY], routeNamespace: 'gateway-system' }), {}, null))
      .toThrow('test/churn: gateway.routeNamespace "gateway-system" needs the model\'s own namespace to point the route and its ReferenceGrant at; set namespace on the model or its chart');
  });

  test('Knative routes through its own ingress; KServe Standard cannot route gRPC', () => {
    const grpc = { format: ModelFormat.ONNX, protocol: InferenceProtocol.GRPC_V2 };
    expect(() => exposed(GatewayExposure.route({ gateways: [GATEWAY] }), {
      ...grpc, platform: ServingPlatform.kserveStandard(), scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }),
    })).toThrow('test/churn: gateway [] cannot route to a grpc-v2 model on KServe (Standard mode): KServe finds the predictor\'s gRPC port at runtime; '
      + 'use KServe\'s own route (visibility: Visibility.EXTERNAL), a REST protocol, or ServingPlatform.kubernetesDeployment()');
    for (const platform of [ServingPlatform.kserve(), ServingPlatform.knativeService()]) {
      expect(() => exposed(GatewayExposure.route({ gateways: [GATEWAY], hostnames: ['churn.example.com'] }), { platform, visibility: Visibility.EXTERNAL, scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3 }) }))
        .toThrow(/^test\/churn: gateway \["churn.example.com"\] is not written on .+, which routes through its own ingress; use visibility: Visibility.EXTERNAL and timeout/);
    }
  });
});
