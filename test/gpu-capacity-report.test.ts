import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  KnativeClusterFlags,
  Accelerator, GpuCapacityReport, GpuNodePool, GpuProduct, MigProfile, ModelFormat, ModelStorage, Scaling, ServedModel, ServingPlatform,
  StandardAutoscaler,
} from '../src';
import { freshOutdir, synthApp, TEST_CLUSTER_KNATIVE_FLAGS } from './util';

function app(): { app: App; outdir: string; chart: Chart } {
  const outdir = freshOutdir('gpu-report-');
  const a = new App({ outdir });
  const chart = new Chart(a, 'models', { namespace: 'ml' });
  new KnativeClusterFlags(chart, 'cluster-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  return { app: a, outdir, chart };
}

function fleet(chart: Chart): void {
  new ServedModel(chart, 'llm', {
    format: ModelFormat.HUGGINGFACE,
    storage: ModelStorage.fromUri('hf://org/llm'),
    accelerator: Accelerator.nvidiaGpu({ count: 2, product: GpuProduct.A100_SXM4_80GB }),
    nodePool: GpuNodePool.custom({ labels: { pool: 'a100' }, gpusPerNode: 8 }),
    scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 6 }),
  });
  new ServedModel(chart, 'embed', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/embed'),
    accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { product: GpuProduct.A100_SXM4_80GB }),
    scaling: Scaling.scaleToZero({ maxReplicas: 3 }),
  });
  new ServedModel(chart, 'burst', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/burst'),
    accelerator: Accelerator.nvidiaMig(MigProfile.of('1g.10gb'), { product: GpuProduct.A100_SXM4_80GB, count: 2 }),
    scaling: Scaling.scaleToZero(),
  });
  new ServedModel(chart, 'std', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromUri('s3://models/std'),
    accelerator: Accelerator.sharedNvidiaGpu(),
    scaling: Scaling.fixedReplicas(2),
    platform: ServingPlatform.kserveStandard({ autoscaler: StandardAutoscaler.NONE }),
  });
  new ServedModel(chart, 'cpu', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/cpu') });
}

describe('GpuCapacityReport', () => {
  test('per model and per GPU product / MIG profile, minimum and maximum scale', () => {
    const { app: a, chart } = app();
    fleet(chart);
    const report = new GpuCapacityReport(a, 'gpu-capacity');
    expect(report.entries.map((e) => [e.path, e.capacityKey, e.devicesPerReplica, e.minDevices, e.maxDevices, e.maxNodes])).toEqual([
      ['models/burst', 'NVIDIA-A100-SXM4-80GB MIG 1g.10gb', 2, 0, undefined, undefined],
      ['models/embed', 'NVIDIA-A100-SXM4-80GB MIG 1g.10gb', 1, 0, 3, undefined],
      ['models/llm', 'NVIDIA-A100-SXM4-80GB', 2, 2, 12, 2],
      ['models/std', 'time-sliced share', 1, 2, 2, undefined],
    ]);
    expect(report.entries.find((e) => e.path === 'models/llm')!.knativeFlags).toEqual(['kubernetes.podspec-nodeselector', 'kubernetes.podspec-tolerations', 'kubernetes.podspec-volumes-emptydir']);
    expect(report.entries.find((e) => e.path === 'models/std')!.knativeFlags).toEqual([]);
    expect(report.totals).toEqual([
      { capacityKey: 'NVIDIA-A100-SXM4-80GB', resourceName: 'nvidia.com/gpu', minDevices: 2, maxDevices: 12, models: 1 },
      { capacityKey: 'NVIDIA-A100-SXM4-80GB MIG 1g.10gb', resourceName: 'nvidia.com/mig-1g.10gb', minDevices: 0, maxDevices: undefined, models: 2 },
      { capacityKey: 'time-sliced share', resourceName: 'nvidia.com/gpu.shared', minDevices: 2, maxDevices: 2, models: 1 },
    ]);
    expect(report.toMarkdown()).toMatchSnapshot();
    expect(report.toJson().totals[1].maxDevices).toBeNull();
  });

  test('app.synth() writes gpu-capacity.md and gpu-capacity.json next to the YAML', () => {
    const { app: a, outdir, chart } = app();
    fleet(chart);
    const report = new GpuCapacityReport(a, 'report');
    expect(synthApp(a)).toHaveLength(5);
    a.synth();
    expect(fs.readdirSync(outdir).sort()).toEqual(['gpu-capacity.json', 'gpu-capacity.md', 'models.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'gpu-capacity.md'), 'utf8')).toBe(report.toMarkdown());
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'gpu-capacity.json'), 'utf8'))).toEqual(report.toJson());
  });

  test('custom file name, or no files', () => {
    const one = app();
    new GpuCapacityReport(one.app, 'r', { fileName: 'capacity' });
    one.app.synth();
    expect(fs.readdirSync(one.outdir).sort()).toEqual(['capacity.json', 'capacity.md', 'models.k8s.yaml']);
    const two = app();
    new GpuCapacityReport(two.app, 'r', { writeFiles: false });
    two.app.synth();
    expect(fs.readdirSync(two.outdir)).toEqual(['models.k8s.yaml']);
    expect(() => new GpuCapacityReport(app().app, 'bad', { fileName: '../x' })).toThrow(
      'bad: fileName "../x" is not a plain file name; use letters, digits, ".", "_" and "-", without a directory');
  });

  test('an app without accelerators says so', () => {
    const { app: a, chart } = app();
    new ServedModel(chart, 'cpu', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromUri('s3://models/cpu') });
    const report = new GpuCapacityReport(a, 'r');
    expect(report.toMarkdown()).toBe('# GPU capacity\n\nNo model in this app requests an accelerator.\n');
    expect(report.toJson()).toEqual({ models: [], totals: [] });
  });
});
