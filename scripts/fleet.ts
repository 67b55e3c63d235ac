/**
 * The benchmark fleet: a mix of the models a platform team runs, on KServe
 * in Knative mode. Used by scripts/bench.ts and the fleet test.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import type * as sources from '../src';

/**
 * Adds `count` models to a fresh App (charts of 100 models each) and returns it.
 *
 * @param library the library to build with: the compiled package (`lib/`, the benchmark), or by default its
 * TypeScript sources (tests; loaded only then, so that the benchmark's process never transpiles them)
 */
export function buildFleet(count: number, outdir?: string, library?: typeof sources): App {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib: typeof sources = library ?? require('../src');
  const app = new App({ outdir });
  // The platform team owns config-features: GPU placement and init containers are enabled there.
  new lib.KnativeClusterFlags(new Chart(app, 'cluster'), 'knative-flags', {
    enabled: ['kubernetes.podspec-nodeselector', 'kubernetes.podspec-tolerations', 'kubernetes.podspec-affinity', 'kubernetes.podspec-init-containers'],
  });
  let chart: Chart | undefined;
  let triton: sources.IServingRuntime | undefined;
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) {
      chart = new Chart(app, `sensors-${i / 100}`, { namespace: `fleet-${Math.floor(i / 100)}` });
      // KServe's built-in Triton runtime, known by name.
      triton = lib.ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'triton', 'kserve-tritonserver');
    }
    const id = `sensor-${i}`;
    let model: sources.ServedModel;
    switch (i % 3) {
      case 0:
        model = new lib.ServedModel(chart!, id, {
          format: lib.ModelFormat.SKLEARN,
          storage: lib.ModelStorage.fromS3({ bucket: 'sensor-models', key: `${id}/v1` }),
          resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
          scaling: lib.Scaling.scaleToZero({ maxReplicas: 3, target: 10 }),
        });
        break;
      case 1:
        model = new lib.ServedModel(chart!, id, {
          format: lib.ModelFormat.ONNX,
          runtime: triton,
          storage: lib.ModelStorage.fromGcs({ bucket: 'sensor-models', path: `${id}/onnx` }),
          accelerator: lib.Accelerator.nvidiaGpu({ count: 1, product: lib.GpuProduct.A100_SXM4_80GB }),
          scaling: lib.Scaling.autoscale({ minReplicas: 1, maxReplicas: 4 }),
        });
        break;
      default:
        model = new lib.ServedModel(chart!, id, {
          format: lib.ModelFormat.HUGGINGFACE,
          storage: lib.ModelStorage.fromHuggingFace('Qwen/Qwen2.5-0.5B-Instruct', { revision: 'main' }),
          accelerator: lib.Accelerator.nvidiaMig(lib.MigProfile.of('1g.10gb')),
          scaling: lib.Scaling.scaleToZero({ maxReplicas: 2 }),
        });
    }
    if (i % 5 === 4) {
      new lib.CanaryRollout(chart!, `${id}-canary`, {
        model,
        candidate: { storage: lib.ModelStorage.fromS3({ bucket: 'sensor-models', key: `${id}/v2` }) },
        steps: [5, 25, 50],
        stepInterval: Duration.minutes(5),
      });
    }
  }
  return app;
}
