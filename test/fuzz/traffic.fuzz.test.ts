/**
 * Property-based test of Gateway API canaries on the Deployment platform:
 * for any valid steps, engine and exposure, the engine gets exactly the
 * steps as weights, the route's two backends start at 100/0 (the sum both
 * engines keep), and every document passes its schema; invalid steps fail
 * with the library's error, never a crash.
 */
import { Chart, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import * as lib from '../../src';
import { expectConformant } from '../conformance/conformance';
import { testApp } from '../fixtures/temp';

const RUNS = Math.min(Number(process.env.FUZZ_RUNS ?? 200), 300);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20261127;

const recipe = fc.record({
  steps: fc.oneof(
    {
      arbitrary: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 6 }).map((a) => [...a].sort((x, y) => x - y)),
      weight: 8,
    },
    { arbitrary: fc.array(fc.constantFrom(0, 100, 101, -1, 2.5, 50), { minLength: 0, maxLength: 3 }), weight: 2 },
  ),
  flagger: fc.boolean(),
  grpc: fc.boolean(),
  routeNamespace: fc.option(fc.constantFrom('ml', 'gateway-system'), { nil: undefined }),
  hostnames: fc.array(fc.constantFrom('a.example.com', '*.models.example.com', 'b.example.com'), { maxLength: 3 }).map((h) => [...new Set(h)]),
  sections: fc.boolean(),
});

describe('fuzz: Gateway API canaries', () => {
  test('weights, backends and schemas', () => {
    fc.assert(fc.property(recipe, (r) => {
      const chart = new Chart(testApp(), 'test', { namespace: 'ml' });
      const gateways = r.sections
        ? [lib.GatewayRef.of('gw', { sectionName: 'http' }), lib.GatewayRef.of('gw', { sectionName: 'https' })]
        : [lib.GatewayRef.of('gw', { namespace: 'gateway-system' })];
      let rollout: lib.CanaryRollout;
      try {
        const model = new lib.ServedModel(chart, 'm', {
          format: r.grpc ? lib.ModelFormat.ONNX : lib.ModelFormat.SKLEARN,
          protocol: r.grpc ? lib.InferenceProtocol.GRPC_V2 : undefined,
          storage: lib.ModelStorage.fromUri('s3://models/m/1'),
          platform: lib.ServingPlatform.kubernetesDeployment(),
          scaling: lib.Scaling.fixedReplicas(3),
          gateway: lib.GatewayExposure.route({ gateways, hostnames: r.hostnames, routeNamespace: r.routeNamespace }),
        });
        rollout = new lib.CanaryRollout(chart, 'r', {
          model,
          candidate: { storage: lib.ModelStorage.fromUri('s3://models/m/2') },
          steps: r.steps,
          stepInterval: Duration.minutes(1),
          engine: r.flagger ? lib.RolloutEngine.FLAGGER : lib.RolloutEngine.ARGO_ROLLOUTS,
          trafficRouter: lib.TrafficRouter.gatewayApi(),
        });
      } catch (e: any) {
        expect(e.name).toBe('ModelServingError');
        expect(e.message).toMatch(/^test\/(r|m): \S+ .+; .+/);
        return;
      }
      const docs = chart.toJson();
      expectConformant(docs);
      expect(rollout.steps).toEqual(r.steps);
      if (r.flagger) {
        expect(docs.find((d: any) => d.kind === 'Canary').spec.analysis.stepWeights).toEqual(r.steps);
        expect(docs.some((d: any) => /Route$/.test(d.kind) || (d.kind === 'Service' && d.metadata.name === 'm'))).toBe(false);
      } else {
        const steps = docs.find((d: any) => d.kind === 'Rollout').spec.strategy.canary.steps;
        expect(steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual(r.steps);
        const route = docs.find((d: any) => d.kind === (r.grpc ? 'GRPCRoute' : 'HTTPRoute'));
        const refs = route.spec.rules[0].backendRefs;
        expect(refs.map((b: any) => b.name)).toEqual(['m-stable', 'm-canary']);
        expect(refs.reduce((sum: number, b: any) => sum + b.weight, 0)).toBe(100);
        expect(route.metadata.namespace).toBe(r.routeNamespace ?? 'ml');
        expect(docs.some((d: any) => d.kind === 'ReferenceGrant')).toBe(r.routeNamespace === 'gateway-system');
      }
    }), { numRuns: RUNS, seed: SEED });
  });
});
