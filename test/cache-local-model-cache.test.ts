import { Chart, Size } from 'cdk8s';
import { ServiceAccount } from 'cdk8s-plus-28';
import {
  KnativeClusterFlags,
  Accelerator, GpuNodePool, LocalModelCache, LocalModelNodeGroup, ModelFormat, ModelStorage, ServedModel, ServingPlatform,
} from '../src';
import { docOf, newChart, synth, synthApp, TEST_CLUSTER_KNATIVE_FLAGS, testApp } from './util';

const LLAMA = ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct');

function group(chart: Chart, id: string = 'gpu-nvme', limit: Size = Size.tebibytes(1)): LocalModelNodeGroup {
  return new LocalModelNodeGroup(chart, id, {
    storageLimit: limit,
    localPath: '/mnt/models',
    nodePool: GpuNodePool.custom({ labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' } }),
  });
}

describe('LocalModelCache', () => {
  test('node group, cache and a model that uses it', () => {
    const app = testApp();
    const cluster = new Chart(app, 'cluster');
    const nodes = group(cluster);
    const cache = new LocalModelCache(cluster, 'llama3-8b', {
      storage: LLAMA,
      modelSize: Size.gibibytes(16),
      nodeGroups: [nodes],
      serviceAccount: ServiceAccount.fromServiceAccountName(cluster, 'hf-downloader', 'hf-downloader'),
    });
    const ml = new Chart(app, 'ml', { namespace: 'ml' });
    new KnativeClusterFlags(ml, 'cluster-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
    new ServedModel(ml, 'llama', {
      format: ModelFormat.HUGGINGFACE,
      storage: LLAMA,
      accelerator: Accelerator.nvidiaGpu(),
      modelCache: cache,
    });
    ml.addDependency(cluster);
    const docs = synthApp(app);
    expect(docs.map((d) => d.kind)).toEqual(['LocalModelNodeGroup', 'LocalModelCache', 'InferenceService']);
    const ng = docOf(docs, 'LocalModelNodeGroup');
    expect(ng.metadata.namespace).toBeUndefined();
    expect(ng.spec).toEqual({
      storageLimit: '1Ti',
      persistentVolumeClaimSpec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Ti' } },
        storageClassName: 'local-storage',
        volumeMode: 'Filesystem',
      },
      persistentVolumeSpec: {
        accessModes: ['ReadWriteOnce'],
        capacity: { storage: '1Ti' },
        local: { path: '/mnt/models' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A100-SXM4-80GB'] }] }] } },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local-storage',
        volumeMode: 'Filesystem',
      },
    });
    const lmc = docOf(docs, 'LocalModelCache');
    expect(lmc.spec).toEqual({
      sourceModelUri: 'hf://meta-llama/Llama-3.1-8B-Instruct',
      modelSize: '16Gi',
      nodeGroups: ['gpu-nvme'],
      serviceAccountName: 'hf-downloader',
    });
    // KServe matches the cache by URI: the InferenceService carries the same storageUri and no cache field.
    expect(docOf(docs, 'InferenceService').spec.predictor.model.storageUri).toBe('hf://meta-llama/Llama-3.1-8B-Instruct');
    expect(docs).toMatchSnapshot();
  });

  test('node selector, capacity, storage class and credentials', () => {
    const chart = newChart();
    const nodes = new LocalModelNodeGroup(chart, 'nvme', {
      storageLimit: Size.gibibytes(1700),
      capacity: Size.gibibytes(1800),
      localPath: '/mnt/nvme/models',
      nodeSelector: { 'kserve/localmodel': 'worker' },
      storageClassName: 'nvme-local',
    });
    new LocalModelCache(chart, 'fraud', {
      storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' }),
      modelSize: Size.mebibytes(512),
      nodeGroups: [nodes],
      storageKey: 'my-s3-key',
      storageParameters: { type: 's3', region: 'us-west-2' },
    });
    const docs = synth(chart);
    const ng = docOf(docs, 'LocalModelNodeGroup');
    expect(ng.spec.storageLimit).toBe('1700Gi');
    expect(ng.spec.persistentVolumeSpec).toMatchObject({
      capacity: { storage: '1800Gi' },
      storageClassName: 'nvme-local',
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kserve/localmodel', operator: 'In', values: ['worker'] }] }] } },
    });
    expect(docOf(docs, 'LocalModelCache').spec).toEqual({
      sourceModelUri: 's3://models/fraud/v7',
      modelSize: '512Mi',
      nodeGroups: ['nvme'],
      storage: { key: 'my-s3-key', parameters: { region: 'us-west-2', type: 's3' } },
    });
  });
});

test('a model under the cached prefix, on the second node group', () => {
  const chart = newChart('ml');
  const cache = new LocalModelCache(chart, 'models', {
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm' }),
    modelSize: Size.gibibytes(40),
    nodeGroups: [group(chart, 'a100'), group(chart, 'h100')],
  });
  new ServedModel(chart, 'm', {
    format: ModelFormat.SKLEARN,
    storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm/mistral' }),
    modelCache: cache,
    annotations: { 'serving.kserve.io/nodegroup': 'h100' },
  });
  const docs = synth(chart);
  expect(docOf(docs, 'LocalModelCache').spec.nodeGroups).toEqual(['a100', 'h100']);
  expect(docOf(docs, 'InferenceService').metadata.annotations['serving.kserve.io/nodegroup']).toBe('h100');
});

describe('LocalModelCache bad input', () => {
  const cases: Array<[string, () => void, RegExp]> = [
    ['model storage differs from the cache', () => {
      const chart = newChart('ml');
      const cache = new LocalModelCache(chart, 'c', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(chart)] });
      new ServedModel(chart, 'm', {
        format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-70B-Instruct'), accelerator: Accelerator.nvidiaGpu(), modelCache: cache,
      });
    }, /^test\/m: storage "hf:\/\/meta-llama\/Llama-3.1-70B-Instruct" is not the sourceModelUri "hf:\/\/meta-llama\/Llama-3.1-8B-Instruct" of LocalModelCache "c" \(or a path under it\), so KServe would not use the cache; give the model the same storage as the cache$/],
    ['a sibling path is not under the cached prefix', () => {
      const chart = newChart('ml');
      const cache = new LocalModelCache(chart, 'c', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm' }), modelSize: Size.gibibytes(16), nodeGroups: [group(chart)] });
      new ServedModel(chart, 'm', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm-v2' }), modelCache: cache });
    }, /^test\/m: storage "s3:\/\/models\/llm-v2" is not the sourceModelUri "s3:\/\/models\/llm"/],
    ['node group annotation naming another group', () => {
      const chart = newChart('ml');
      const cache = new LocalModelCache(chart, 'c', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(chart)] });
      new ServedModel(chart, 'm', {
        format: ModelFormat.HUGGINGFACE, storage: LLAMA, accelerator: Accelerator.nvidiaGpu(), modelCache: cache, annotations: { 'serving.kserve.io/nodegroup': 'h100' },
      });
    }, /^test\/m: annotations\["serving.kserve.io\/nodegroup"\] "h100" is not a node group of LocalModelCache "c", so KServe would not use the cache; use one of gpu-nvme, or drop the annotation \(KServe then uses gpu-nvme\)$/],
    ['cache on a non-KServe platform', () => {
      const chart = newChart('ml');
      const cache = new LocalModelCache(chart, 'c', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [group(chart)] });
      new ServedModel(chart, 'm', {
        format: ModelFormat.HUGGINGFACE,
        storage: LLAMA,
        accelerator: Accelerator.nvidiaGpu(),
        modelCache: cache,
        platform: ServingPlatform.knativeService(),
      });
    }, /^test\/m: modelCache "c" only works on KServe, not the "knative-service" platform/],
    ['caches over the node group limit', () => {
      const chart = newChart();
      const nodes = group(chart, 'small', Size.gibibytes(40));
      new LocalModelCache(chart, 'a', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
      new LocalModelCache(chart, 'b', { storage: ModelStorage.fromHuggingFace('mistralai/Mistral-7B-Instruct-v0.3'), modelSize: Size.gibibytes(30), nodeGroups: [nodes] });
    }, /^test\/b: modelSize "30Gi" brings the models cached on node group "small" to 46Gi, over its storage limit of 40Gi \(a: 16Gi, b: 30Gi\); raise the node group's storageLimit, or cache fewer models on it$/],
    ['the same URI cached twice', () => {
      const chart = newChart();
      const nodes = group(chart);
      new LocalModelCache(chart, 'a', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
      new LocalModelCache(chart, 'b', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    }, /^test\/b: storage "hf:\/\/meta-llama\/Llama-3.1-8B-Instruct" overlaps the URI "hf:\/\/meta-llama\/Llama-3.1-8B-Instruct" of LocalModelCache "a" \(test\/a\), so KServe's choice would depend on list order/],
    ['a cache nested under another', () => {
      const chart = newChart();
      const nodes = group(chart);
      new LocalModelCache(chart, 'a', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm' }), modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
      new LocalModelCache(chart, 'b', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'llm/v2' }), modelSize: Size.gibibytes(16), nodeGroups: [nodes] });
    }, /^test\/b: storage "s3:\/\/models\/llm\/v2" overlaps the URI "s3:\/\/models\/llm" of LocalModelCache "a"/],
    ['no node groups', () => new LocalModelCache(newChart(), 'c', { storage: LLAMA, modelSize: Size.gibibytes(16), nodeGroups: [] }),
      /^test\/c: nodeGroups \[\] is empty; give at least one LocalModelNodeGroup$/],
    ['pvc storage', () => new LocalModelCache(newChart(), 'c', { storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'x' }), modelSize: Size.gibibytes(1), nodeGroups: [group(newChart())] }),
      /^test\/c: storage "pvc:\/\/models\/x" is already a volume in the cluster/],
    ['node group without nodes', () => new LocalModelNodeGroup(newChart(), 'g', { storageLimit: Size.gibibytes(100), localPath: '/mnt/models' }),
      /^test\/g: nodePool undefined is missing, and so is nodeSelector: local volumes must name their nodes/],
    ['relative local path', () => new LocalModelNodeGroup(newChart(), 'g', { storageLimit: Size.gibibytes(100), localPath: 'models', nodeSelector: { a: 'b' } }),
      /^test\/g: localPath "models" is not an absolute host path/],
    ['capacity below the limit', () => new LocalModelNodeGroup(newChart(), 'g', {
      storageLimit: Size.gibibytes(100), capacity: Size.gibibytes(50), localPath: '/mnt/models', nodeSelector: { a: 'b' },
    }), /^test\/g: capacity "50Gi" is below the storage limit \(100Gi\); give the volume at least the storage limit$/],
    ['conflicting node labels', () => new LocalModelNodeGroup(newChart(), 'g', {
      storageLimit: Size.gibibytes(100), localPath: '/mnt/models', nodePool: GpuNodePool.custom({ labels: { a: 'b' } }), nodeSelector: { a: 'c' },
    }), /^test\/g: nodeSelector "a=c" conflicts with the node pool's a=b/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});
