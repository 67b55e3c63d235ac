/**
 * Constructs reference a served model through `IServedModel` (issue 19, "references by
 * concrete class"): the graph needs only what the interface says; constructs that need a
 * ServedModel's resolved spec narrow with `ServedModel.isServedModel` and fail by path.
 */
import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CanaryRolloutProps, GpuNodePool, GraphDeploymentMode, GraphNode, GraphStep, ILocalModelCache, ILocalModelNodeGroup, InferenceGraph,
  InferenceProtocol, IServedModel, LocalModelCache, LocalModelNodeGroup, ModelFormat, ModelNetworkPolicy, ModelNetworkPolicyProps,
  ModelStorage, ServedModel, ServedModelProps, ServingPlatform, TrainedModel, TrainedModelProps,
} from '../src';
import { docOf, newChart, synth } from './util';

/** `true` when the prop's type is exactly `IServedModel` (not the ServedModel class). */
type TakesInterface<T> = [T] extends [IServedModel] ? ([IServedModel] extends [T] ? true : false) : false;
const references: Array<true> = [
  true as TakesInterface<Parameters<typeof GraphStep.model>[0]>,
  true as TakesInterface<TrainedModelProps['inferenceService']>,
  true as TakesInterface<ModelNetworkPolicyProps['model']>,
  true as TakesInterface<CanaryRolloutProps['model']>,
  true as TakesInterface<TrainedModel['inferenceService']>,
];
/** The cache reference too: `modelCache` takes `ILocalModelCache`, not the LocalModelCache class. */
type CacheRef = Required<ServedModelProps>['modelCache'];
const cacheReference: [CacheRef] extends [ILocalModelCache] ? ([ILocalModelCache] extends [CacheRef] ? true : false) : false = true;

/** A served model declared by another library: the interface, implemented elsewhere. */
class Foreign extends Construct implements IServedModel {
  public readonly protocol = InferenceProtocol.V1;
  public readonly hostname: string;
  public readonly url: string;
  public readonly inferPath: string;
  public readonly healthPath = '/';
  public readonly readyPath: string;
  constructor(scope: Construct, id: string,
    public readonly name: string, public readonly namespace: string | undefined, public readonly platform: ServingPlatform) {
    super(scope, id);
    this.hostname = `${name}.${namespace}.svc.cluster.local`;
    this.url = `http://${this.hostname}`;
    this.inferPath = `/v1/models/${name}:predict`;
    this.readyPath = `/v1/models/${name}`;
  }
}

const sklearn = (chart: Chart, id: string, props: Record<string, unknown> = {}) =>
  new ServedModel(chart, id, { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: id }), ...props });

describe('IServedModel references', () => {
  test('every construct-to-construct model reference is typed IServedModel', () => {
    expect(references).toEqual([true, true, true, true, true]);
  });

  test('a graph routes to any IServedModel on KServe: by name in its namespace, by URL across namespaces', () => {
    const chart = newChart('ml');
    const own = sklearn(chart, 'rules', { platform: ServingPlatform.kserveStandard() });
    const elsewhere = new Foreign(chart, 'scorer', 'scorer', 'ml', ServingPlatform.kserveStandard());
    const other = new Foreign(chart, 'other', 'fraud', 'risk', ServingPlatform.kserveStandard());
    const graph = new InferenceGraph(chart, 'g', {
      root: GraphNode.sequence([GraphStep.model(own), GraphStep.model(elsewhere), GraphStep.model(other, { crossNamespace: true })]),
    });
    // Every model on a Standard-mode compiler: the graph takes Standard mode, foreign ones counted.
    expect(graph.mode).toBe(GraphDeploymentMode.STANDARD);
    // The graph is applied after every model it calls, foreign ones too.
    expect(graph.node.dependencies).toEqual(expect.arrayContaining([own, elsewhere, other]));
    const steps = docOf(synth(chart), 'InferenceGraph').spec.nodes.root.steps;
    expect(steps).toEqual([
      expect.objectContaining({ serviceName: 'rules' }),
      expect.objectContaining({ serviceName: 'scorer' }),
      expect.objectContaining({ serviceUrl: 'http://fraud.risk.svc.cluster.local/v1/models/fraud:predict' }),
    ]);
  });

  test('a graph refuses an IServedModel off KServe, naming its platform', () => {
    const chart = newChart('ml');
    const knative = new Foreign(chart, 'kn', 'kn', 'ml', ServingPlatform.knativeService());
    expect(() => new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(knative)]) }))
      .toThrow(/^test\/g: nodes.root.steps\[0\] "test\/kn" is a model on the "knative-service" platform; an InferenceGraph only resolves KServe InferenceServices/);
  });

  test('a TrainedModel needs a ServedModel (its spec is checked): another IServedModel fails by its path', () => {
    const chart = newChart('ml');
    const foreign = new Foreign(chart, 'mms', 'mms', 'ml', ServingPlatform.kserve());
    expect(() => new TrainedModel(chart, 'tm', { inferenceService: foreign, storage: ModelStorage.fromS3({ bucket: 'models', key: 'a' }), memory: Size.mebibytes(256) }))
      .toThrow(/^test\/tm: inferenceService "test\/mms" is not a ServedModel; pass the ServedModel that serves the model \(an IServedModel implemented elsewhere cannot be checked as a multi-model server\)$/);
    // The ServedModel itself, through the interface type.
    const parent: IServedModel = new ServedModel(chart, 'sklearn-mms', { format: ModelFormat.SKLEARN, resources: { memory: Size.gibibytes(2) } });
    const tm = new TrainedModel(chart, 'iris', { inferenceService: parent, storage: ModelStorage.fromS3({ bucket: 'models', key: 'iris' }), memory: Size.mebibytes(256) });
    expect(tm.inferenceService).toBe(parent);
    expect(docOf(synth(chart), 'TrainedModel').spec.inferenceService).toBe('sklearn-mms');
  });

  test('a ModelNetworkPolicy needs a ServedModel (it selects the pods its platform labels): another IServedModel fails', () => {
    const chart = newChart('ml');
    const foreign = new Foreign(chart, 'f', 'f', 'ml', ServingPlatform.kserve());
    expect(() => new ModelNetworkPolicy(chart, 'np', { model: foreign })).toThrow(/^test\/np: model test\/f is not a ServedModel; pass the ServedModel to protect$/);
    const model: IServedModel = sklearn(chart, 'fraud');
    new ModelNetworkPolicy(chart, 'fraud-np', { model });
    expect(docOf(synth(chart), 'NetworkPolicy').metadata.name).toBe('fraud-ingress');
  });

  test('modelCache takes an ILocalModelCache; one that is not a LocalModelCache construct fails by its path', () => {
    expect(cacheReference).toBe(true);
    const chart = newChart('ml');
    const storage = ModelStorage.fromS3({ bucket: 'models', key: 'fraud' });
    const nodeGroups = [new LocalModelNodeGroup(chart, 'nvme', { storageLimit: Size.gibibytes(100), localPath: '/mnt/models', nodePool: GpuNodePool.custom({ labels: { disk: 'nvme' } }) })];
    const cache: ILocalModelCache = new LocalModelCache(chart, 'fraud-cache', { storage, modelSize: Size.gibibytes(1), nodeGroups });
    const model = sklearn(chart, 'fraud', { storage, modelCache: cache });
    expect(model.node.dependencies).toContain(cache);
    class ForeignCache extends Construct implements ILocalModelCache {
      public readonly cacheName = 'other';
      public readonly storage = storage;
      public readonly modelSize = Size.gibibytes(1);
    }
    const foreign = new ForeignCache(chart, 'foreign-cache');
    expect(() => sklearn(chart, 'fraud2', { storage, modelCache: foreign }))
      .toThrow(/^test\/fraud2: modelCache test\/foreign-cache is not a LocalModelCache; pass the LocalModelCache construct$/);
  });

  test('a cache takes ILocalModelNodeGroup references: the name is written, the storage limit checked', () => {
    const chart = newChart();
    class PlatformTeamGroup extends Construct implements ILocalModelNodeGroup {
      public readonly groupName = 'shared-nvme';
      public readonly storageLimit = Size.gibibytes(10);
    }
    const group: ILocalModelNodeGroup = new PlatformTeamGroup(chart, 'shared');
    const cache = new LocalModelCache(chart, 'llama', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'llama' }), modelSize: Size.gibibytes(8), nodeGroups: [group] });
    expect(cache.nodeGroups).toEqual([group]);
    expect(docOf(synth(chart), 'LocalModelCache').spec.nodeGroups).toEqual(['shared-nvme']);
    expect(() => new LocalModelCache(chart, 'mistral', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'mistral' }), modelSize: Size.gibibytes(4), nodeGroups: [group] }))
      .toThrow(/^test\/mistral: modelSize "4Gi" brings the models cached on node group "shared-nvme" to 12Gi, over its storage limit of 10Gi/);
    expect(() => new LocalModelCache(newChart(), 'x', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'x' }), modelSize: Size.gibibytes(1), nodeGroups: [{ groupName: 'g' } as any] }))
      .toThrow(/^test\/x: nodeGroups\[0\] "<Object>" is not a LocalModelNodeGroup; pass the node group construct$/);
    expect(() => new LocalModelCache(newChart(), 'y', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'y' }), modelSize: Size.gibibytes(1), nodeGroups: 'g' as any }))
      .toThrow(/^test\/y: nodeGroups "g" is not a list of LocalModelNodeGroup; use a list of LocalModelNodeGroup constructs$/);
  });
});
