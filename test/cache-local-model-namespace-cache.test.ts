import { Chart, Size } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, GpuNodePool, LocalModelCache, LocalModelNamespaceCache, LocalModelNodeGroup, ModelFormat, ModelStorage, ServedModel,
} from '../src';
import { docOf, newChart, synth, testApp } from './util';

const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct');

function group(chart: Chart, limit: Size = Size.tebibytes(1)): LocalModelNodeGroup {
  return new LocalModelNodeGroup(chart, 'gpu-nvme', {
    storageLimit: limit,
    localPath: '/mnt/models',
    nodePool: GpuNodePool.custom({ labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }),
  });
}

function validationErrors(chart: Chart): string[] {
  return chart.node.root.node.findAll().flatMap((c) => c.node.validate());
}

describe('LocalModelNamespaceCache', () => {
  test('a team cache in the chart namespace, used by a model of that namespace', () => {
    const chart = newChart('team-a');
    const nodes = group(chart);
    const cache = new LocalModelNamespaceCache(chart, 'llama3-8b', {
      storage: LLAMA,
      modelSize: Size.gibibytes(16),
      nodeGroups: [nodes],
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'dl', 'hf-downloader'),
      storageKey: 'hf',
      storageParameters: { type: 'hf' },
      labels: { team: 'a' },
    });
    new ServedModel(chart, 'llama', { format: ModelFormat.HUGGINGFACE, storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), modelCache: cache });
    expect(validationErrors(chart)).toEqual([]);
    const docs = synth(chart);
    expect(docs.map((d) => d.kind)).toEqual(['LocalModelNodeGroup', 'LocalModelNamespaceCache', 'InferenceService']);
    const doc = docOf(docs, 'LocalModelNamespaceCache');
    expect(doc.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(doc.metadata).toMatchObject({ name: 'llama3-8b', namespace: 'team-a', labels: { 'team': 'a', 'app.kubernetes.io/component': 'model-cache' } });
    expect(doc.spec).toEqual({
      sourceModelUri: 'hf://meta-llama/Llama-3.1-8B-Instruct',
      modelSize: '16Gi',
      nodeGroups: ['gpu-nvme'],
      serviceAccountName: 'hf-downloader',
      storage: { key: 'hf', parameters: { type: 'hf' } },
    });
    expect(cache.cacheNamespace).toBe('team-a');
    // The node group stays cluster-wide.
    expect(docOf(docs, 'LocalModelNodeGroup').metadata.namespace).toBeUndefined();
  });

  test('an explicit namespace wins over the chart\'s; a cluster cache has none', () => {
    const chart = newChart('platform');
    const nodes = group(chart);
    const ns = new LocalModelNamespaceCache(chart, 'ns', { namespace: 'team-b', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    const cluster = new LocalModelCache(chart, 'cl', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    expect(ns.cacheNamespace).toBe('team-b');
    expect(cluster.cacheNamespace).toBeUndefined();
    const docs = synth(chart);
    expect(docOf(docs, 'LocalModelNamespaceCache').metadata.namespace).toBe('team-b');
    expect(docOf(docs, 'LocalModelCache').metadata.namespace).toBeUndefined();
  });

  test('a namespace cache may cover a cluster cache\'s URI (KServe prefers the namespace\'s) and caches of other namespaces', () => {
    const chart = newChart();
    const nodes = group(chart);
    new LocalModelCache(chart, 'cluster', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    new LocalModelNamespaceCache(chart, 'a', { namespace: 'team-a', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    new LocalModelNamespaceCache(chart, 'b', { namespace: 'team-b', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    expect(synth(chart).map((d) => d.kind)).toEqual(['LocalModelNodeGroup', 'LocalModelCache', 'LocalModelNamespaceCache', 'LocalModelNamespaceCache']);
  });

  test.each<[string, (chart: Chart) => void, RegExp]>([
    ['two caches of one namespace overlap', (c) => {
      const nodes = group(c);
      new LocalModelNamespaceCache(c, 'a', { namespace: 'team-a', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
      new LocalModelNamespaceCache(c, 'b', { namespace: 'team-a', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    }, /^test\/b: storage "hf:\/\/meta-llama\/Llama-3.1-8B-Instruct" overlaps the URI "hf:\/\/meta-llama\/Llama-3.1-8B-Instruct" of LocalModelNamespaceCache "a" in namespace "team-a" \(test\/a\)/],
    ['all caches count against a node group\'s limit', (c) => {
      const nodes = group(c, Size.gibibytes(20));
      new LocalModelCache(c, 'cluster', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
      new LocalModelNamespaceCache(c, 'a', { namespace: 'team-a', storage: ModelStorage.fromS3({ bucket: 'models', key: 'x' }), modelSize: Size.gibibytes(8), nodeGroups: [nodes] });
    }, /^test\/a: modelSize "8Gi" brings the models cached on node group "gpu-nvme" to 24Gi, over its storage limit of 20Gi/],
    ['bad namespace', (c) => new LocalModelNamespaceCache(c, 'a', { namespace: 'Team_A', storage: LLAMA, modelSize: Size.gibibytes(1), nodeGroups: [group(c)] }),
      /^test\/a: namespace "Team_A" /],
    ['namespace on a cluster cache', (c) => new LocalModelCache(c, 'a', { namespace: 'team-a', storage: LLAMA, modelSize: Size.gibibytes(1), nodeGroups: [group(c)] } as any),
      /^test\/a: namespace "team-a" is set on a cluster-scoped LocalModelCache, which has no namespace; use a LocalModelNamespaceCache for a cache of one namespace$/],
    ['service account not an IServiceAccount', (c) => new LocalModelNamespaceCache(c, 'a', {
      storage: LLAMA, modelSize: Size.gibibytes(1), nodeGroups: [group(c)], serviceAccount: { name: 'Bad_Name' } as any,
    }), /^test\/a: serviceAccount "Bad_Name" /],
    ['old serviceAccountName prop', (c) => new LocalModelCache(c, 'a', { storage: LLAMA, modelSize: Size.gibibytes(1), nodeGroups: [group(c)], serviceAccountName: 'x' } as any),
      /^test\/a: serviceAccountName "x" was replaced by serviceAccount; use serviceAccount: ServiceAccount.fromServiceAccountName/],
  ])('%s', (_name, build, message) => {
    expect(() => build(newChart())).toThrow(message);
  });

  test('a model in another namespace that names the cache fails validation', () => {
    const app = testApp();
    const platform = new Chart(app, 'platform');
    const cache = new LocalModelNamespaceCache(platform, 'llama', { namespace: 'team-a', storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(platform)] });
    const other = new Chart(app, 'other', { namespace: 'team-b' });
    new ServedModel(other, 'llama', { format: ModelFormat.HUGGINGFACE, storage: LLAMA, modelCache: cache });
    expect(validationErrors(platform)).toEqual([
      'other/llama: modelCache "llama" is a LocalModelNamespaceCache in namespace "team-a", not the model\'s "team-b", so KServe would not use it; '
      + 'declare the cache in the model\'s namespace, or use a LocalModelCache',
    ]);
  });
});

describe('cache storage credentials stay by reference', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['a token as storageKey', { storageKey: 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH' }, /^test\/c: storageKey "<redacted>" looks like /],
    ['a secret parameter', { storageParameters: { secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } }, /^test\/c: storageParameters\["secret_access_key"\] "<redacted>" /],
  ])('%s', (_name, extra, message) => {
    const chart = newChart();
    let error: any;
    try {
      new LocalModelCache(chart, 'c', { storage: LLAMA, modelSize: Size.gibibytes(1), nodeGroups: [group(chart)], ...extra });
    } catch (e) {
      error = e;
    }
    expect(error?.message).toMatch(message);
    for (const v of Object.values(extra)) expect(error.message).not.toContain(typeof v === 'string' ? v : Object.values(v as object)[0]);
  });
});
