import { Chart, Duration, Size } from 'cdk8s';
import { Cpu, ServiceAccount } from 'cdk8s-plus-28';
import {
  GpuNodePool, GraphDeploymentMode, GraphNode, GraphStep, InferenceGraph, InferenceProtocol, ModelFormat, ModelStorage, Scaling, ScalingMetric,
  ServedModel, ServingPlatform, StepData, StepDependency, Visibility,
} from '../src';
import { docOf, newChart, synth, synthApp, testApp, testOutdir } from './util';

function model(chart: Chart, id: string, props: Partial<ConstructorParameters<typeof ServedModel>[2]> = {}): ServedModel {
  return new ServedModel(chart, id, { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: id }), ...props });
}

describe('InferenceGraph', () => {
  test('A/B split between two models by object', () => {
    const chart = newChart('ml');
    const champion = model(chart, 'churn-v1');
    const challenger = model(chart, 'churn-v2');
    const graph = new InferenceGraph(chart, 'churn-ab', {
      root: GraphNode.splitter([
        GraphStep.model(champion, { weight: 90 }),
        GraphStep.model(challenger, { weight: 10 }),
      ]),
    });
    const docs = synth(chart);
    const ig = docOf(docs, 'InferenceGraph');
    expect(ig.apiVersion).toBe('serving.kserve.io/v1alpha1');
    expect(ig.metadata).toMatchObject({
      name: 'churn-ab',
      namespace: 'ml',
      annotations: { 'serving.kserve.io/deploymentMode': 'Knative' },
      labels: { 'app.kubernetes.io/component': 'inference-graph', 'networking.knative.dev/visibility': 'cluster-local' },
    });
    expect(ig.spec).toEqual({
      nodes: {
        root: {
          routerType: 'Splitter',
          steps: [{ serviceName: 'churn-v1', weight: 90 }, { serviceName: 'churn-v2', weight: 10 }],
        },
      },
    });
    expect(graph.url).toBe('http://churn-ab.ml.svc.cluster.local');
    expect(graph.mode).toBe(GraphDeploymentMode.KNATIVE);
    // Models are applied before the graph that routes to them.
    expect(docs.map((d) => d.kind)).toEqual(['InferenceService', 'InferenceService', 'InferenceGraph']);
    expect(docs).toMatchSnapshot();
  });

  test('pipeline, ensemble and switch nodes referenced by object', () => {
    const chart = newChart('ml');
    const features = model(chart, 'features');
    const xgb = model(chart, 'xgb', { format: ModelFormat.XGBOOST });
    const lgbm = model(chart, 'lgbm', { format: ModelFormat.LIGHTGBM });
    const gold = model(chart, 'gold');
    const ensemble = GraphNode.ensemble([
      GraphStep.model(xgb, { name: 'xgb' }),
      GraphStep.model(lgbm, { name: 'lgbm', dependency: StepDependency.SOFT }),
    ], { name: 'ensemble' });
    const byTier = GraphNode.conditional([
      GraphStep.model(gold, { condition: 'instances.#(tier=="gold")' }),
      GraphStep.node(ensemble, { condition: 'instances.#(tier!="gold")' }),
    ]);
    new InferenceGraph(chart, 'scoring', {
      root: GraphNode.sequence([
        GraphStep.model(features, { name: 'features', dependency: StepDependency.HARD }),
        GraphStep.node(byTier, { data: StepData.RESPONSE }),
        GraphStep.url('http://audit.tools.svc.cluster.local/v1/models/audit:predict', { data: StepData.RESPONSE, mapPredictionsToInstances: true }),
      ]),
      timeout: Duration.seconds(30),
      routerTimeouts: {
        serverRead: Duration.seconds(10), serverWrite: Duration.seconds(40), serverIdle: Duration.minutes(2), serviceClient: Duration.seconds(25),
      },
      resources: { cpu: Cpu.millis(200), memory: Size.mebibytes(256) },
      scaling: Scaling.autoscale({
        minReplicas: 2, maxReplicas: 6, metric: ScalingMetric.CONCURRENCY, target: 50, scaleDownDelay: Duration.minutes(1),
      }),
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'router-sa', 'graph-router'),
      nodePool: GpuNodePool.custom({ labels: { pool: 'cpu' } }),
    });
    const ig = docOf(synth(chart), 'InferenceGraph');
    expect(ig.spec.nodes).toEqual({
      'root': {
        routerType: 'Sequence',
        steps: [
          { name: 'features', serviceName: 'features', dependency: 'Hard' },
          { nodeName: 'root-step-2', data: '$response' },
          { serviceUrl: 'http://audit.tools.svc.cluster.local/v1/models/audit:predict', data: '$response', mapPredictionsToInstances: true },
        ],
      },
      'root-step-2': {
        routerType: 'Switch',
        steps: [
          { serviceName: 'gold', condition: 'instances.#(tier=="gold")' },
          { nodeName: 'ensemble', condition: 'instances.#(tier!="gold")' },
        ],
      },
      'ensemble': {
        routerType: 'Ensemble',
        steps: [{ name: 'xgb', serviceName: 'xgb' }, { name: 'lgbm', serviceName: 'lgbm', dependency: 'Soft' }],
      },
    });
    expect(Object.keys(ig.spec.nodes)).toEqual(['ensemble', 'root', 'root-step-2']);
    expect(ig.spec).toMatchObject({
      timeout: 30,
      routerTimeouts: { serverRead: 10, serverWrite: 40, serverIdle: 120, serviceClient: 25 },
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '256Mi' } },
      minReplicas: 2,
      maxReplicas: 6,
      scaleMetric: 'concurrency',
      scaleTarget: 50,
      serviceAccountName: 'graph-router',
      nodeSelector: { pool: 'cpu' },
    });
    expect(ig.metadata.annotations['autoscaling.knative.dev/scale-down-delay']).toBe('60s');
    expect(ig).toMatchSnapshot();
  });

  test('Standard mode follows the models, scales on cpu', () => {
    const chart = newChart('ml');
    const standard = ServingPlatform.kserveStandard();
    const a = model(chart, 'a', { platform: standard, scaling: Scaling.fixedReplicas(2) });
    const b = model(chart, 'b', { platform: standard, scaling: Scaling.fixedReplicas(2) });
    const graph = new InferenceGraph(chart, 'g', {
      root: GraphNode.splitter([GraphStep.model(a, { weight: 50 }), GraphStep.model(b, { weight: 50 })]),
      scaling: Scaling.autoscale({ minReplicas: 1, maxReplicas: 3, metric: ScalingMetric.CPU, target: 75 }),
      visibility: Visibility.EXTERNAL,
    });
    const ig = docOf(synth(chart), 'InferenceGraph');
    expect(graph.mode).toBe(GraphDeploymentMode.STANDARD);
    expect(ig.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard' });
    expect(ig.metadata.labels['networking.kserve.io/visibility']).toBeUndefined();
    expect(ig.spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleMetric: 'cpu', scaleTarget: 75 });
  });

  test('a model in another namespace is called by URL when the step says so', () => {
    const app = testApp();
    const shared = new Chart(app, 'shared', { namespace: 'shared-models' });
    const team = new Chart(app, 'team', { namespace: 'team-a' });
    const embedder = model(shared, 'embedder', { protocol: InferenceProtocol.V2 });
    const local = model(team, 'ranker');
    new InferenceGraph(team, 'search', {
      root: GraphNode.sequence([
        GraphStep.model(embedder, { crossNamespace: true }),
        GraphStep.model(local, { data: StepData.RESPONSE, crossNamespace: true }),
      ]),
    });
    const ig = docOf(synth(team), 'InferenceGraph');
    expect(ig.spec.nodes.root.steps).toEqual([
      { serviceUrl: 'http://embedder.shared-models.svc.cluster.local/v2/models/embedder/infer' },
      { serviceName: 'ranker', data: '$response' },
    ]);
  });

  test('a node reached twice is emitted once', () => {
    const chart = newChart();
    const a = model(chart, 'a');
    const shared = GraphNode.sequence([GraphStep.model(a)], { name: 'shared' });
    new InferenceGraph(chart, 'g', {
      root: GraphNode.conditional([
        GraphStep.node(shared, { condition: 'x' }),
        GraphStep.node(shared, { condition: 'y' }),
      ]),
      mode: GraphDeploymentMode.STANDARD,
    });
    const ig = docOf(synth(chart), 'InferenceGraph');
    expect(Object.keys(ig.spec.nodes)).toEqual(['root', 'shared']);
    expect(ig.metadata.namespace).toBeUndefined();
  });
});

describe('InferenceGraph bad input', () => {
  const two = (chart: Chart) => [model(chart, 'a'), model(chart, 'b')];
  const cases: Array<[string, () => void, RegExp]> = [
    ['weights not summing to 100', () => {
      const chart = newChart('ml');
      const [a, b] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.splitter([GraphStep.model(a, { weight: 90 }), GraphStep.model(b, { weight: 20 })]) });
    }, /^test\/g: nodes.root.steps weights \[90,20\] add up to 110; make the weights of a Splitter add up to 100$/],
    ['splitter step without weight', () => {
      const chart = newChart('ml');
      const [a, b] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.splitter([GraphStep.model(a, { weight: 100 }), GraphStep.model(b)]) });
    }, /^test\/g: nodes.root.steps\[1\].weight undefined is missing in a Splitter node; give every step of a Splitter a weight/],
    ['fractional weight', () => {
      const chart = newChart('ml');
      const [a, b] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.splitter([GraphStep.model(a, { weight: 50.5 }), GraphStep.model(b, { weight: 49.5 })]) });
    }, /^test\/g: nodes.root.steps\[0\].weight 50.5 is not allowed; use a whole number from 0 to 100$/],
    ['weight outside a Splitter', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a, { weight: 100 })]) });
    }, /^test\/g: nodes.root.steps\[0\].weight 100 has no effect in a Sequence node; use weights in a Splitter node only$/],
    ['switch step without condition', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.conditional([GraphStep.model(a)]) });
    }, /^test\/g: nodes.root.steps\[0\].condition undefined is missing in a Switch node/],
    ['condition in an ensemble', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.ensemble([GraphStep.model(a, { condition: 'x' })]) });
    }, /^test\/g: nodes.root.steps\[0\].condition "x" has no effect in a Ensemble node/],
    ['graph without a root', () => new InferenceGraph(newChart(), 'g', {} as any),
      /^test\/g: root undefined is missing; give the graph its root node: GraphNode.sequence\(...\), splitter\(...\), ensemble\(...\) or conditional\(...\)$/],
    ['root with another name', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a)], { name: 'start' }) });
    }, /^test\/g: root.name "start" is not "root"; KServe enters every graph at the node named "root"/],
    ['model in another namespace without saying so', () => {
      const app = testApp();
      const other = new Chart(app, 'other', { namespace: 'other' });
      const chart = new Chart(app, 'test', { namespace: 'ml' });
      const a = model(other, 'a');
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a)]) });
    }, /^test\/g: nodes.root.steps\[0\] "other\/a" is in namespace "other", not the graph's "ml"; put the model in the graph's namespace, or say so with GraphStep.model\(model, \{ crossNamespace: true \}\)/],
    ['cross-namespace model without a namespace', () => {
      const app = testApp();
      const other = new Chart(app, 'other');
      const chart = new Chart(app, 'test', { namespace: 'ml' });
      const a = model(other, 'a');
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a, { crossNamespace: true })]) });
    }, /^test\/g: nodes.root.steps\[0\] "other\/a" has no namespace, so its URL from another namespace is unknown; set the model's namespace$/],
    ['two nodes with one name', () => {
      const chart = newChart('ml');
      const [a, b] = two(chart);
      const n1 = GraphNode.sequence([GraphStep.model(a)], { name: 'n' });
      const n2 = GraphNode.sequence([GraphStep.model(b)], { name: 'n' });
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.node(n1), GraphStep.node(n2)]) });
    }, /^test\/g: nodes.root.steps\[1\] "n" names a second, different node with a name already used in the graph/],
    ['duplicate step names', () => {
      const chart = newChart('ml');
      const [a, b] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.ensemble([GraphStep.model(a, { name: 'm' }), GraphStep.model(b, { name: 'm' })]) });
    }, /^test\/g: nodes.root.steps\[1\].name "m" is also the name of step 0; give each step of a node its own name$/],
    // Nodes and steps keep their error until a graph uses them; the graph re-raises it after its path and `root`.
    ['empty node', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([]) }),
      /^test\/g: root GraphNode.sequence: steps \[\] is empty; give the node at least one step$/],
    ['bad node name', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.node(GraphNode.sequence([GraphStep.url('http://x/y')], { name: 'a b' }))]) }),
      /^test\/g: root GraphNode.sequence: name "a b" is not a valid node name/],
    ['bad step data', () => StepData.of('$body'), /^StepData.of: expression "\$body" is not a request or response reference; use \$request, \$response or \$response.<field>$/],
    ['bad url', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.url('ftp://x')]) }), /^test\/g: root GraphStep.url: url "ftp:\/\/x" is not an http\(s\) URL/],
    // Step options are checked under the factory's name, so the graph names its path (found by the hostile family fuzz).
    ['step data that is not a StepData', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a, { data: -1 as any })]) });
    }, /^test\/g: root GraphStep.model: data -1 is not a StepData; use StepData.REQUEST, StepData.RESPONSE or StepData.of\(...\)$/],
    ['bad step dependency', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.url('http://x/y', { dependency: 'Hard ' as any })]) }),
      /^test\/g: root GraphStep.url: dependency "Hard " is not a step dependency; use StepDependency.HARD or StepDependency.SOFT$/],
    ['blank step name', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.node(GraphNode.sequence([GraphStep.url('http://x/y')]), { name: ' ' })]) }),
      /^test\/g: root GraphStep.node: name " " is not a valid value; use a non-empty string without surrounding whitespace$/],
    ['step options that are not an object', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.url('http://x/y', null as any)]) }),
      /^test\/g: root GraphStep.url: options null is not an options object/],
    ['not a model', () => new InferenceGraph(newChart('ml'), 'g', { root: GraphNode.sequence([GraphStep.model(undefined as any)]) }),
      /^test\/g: root GraphStep.model: model undefined is not an IServedModel; pass the ServedModel construct$/],
    ['a construct that is not a model', () => {
      const chart = newChart('ml');
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(chart as any)]) });
    }, /^test\/g: nodes.root.steps\[0\] "test" is not an IServedModel \(it has no ServingPlatform\); pass the ServedModel construct to GraphStep.model$/],
    ['cpu metric in Knative mode', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a)]), scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.CPU }) });
    }, /^test\/g: scaling.metric "cpu" cannot scale a Knative-mode graph router; use concurrency or rps$/],
    ['scale to zero in Standard mode', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', {
        root: GraphNode.sequence([GraphStep.model(a)]), mode: GraphDeploymentMode.STANDARD, scaling: Scaling.scaleToZero({ maxReplicas: 3 }),
      });
    }, /^test\/g: scaling.minReplicas 0 cannot scale a Standard-mode graph router to zero/],
    ['fractional timeout', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.model(a)]), routerTimeouts: { serviceClient: Duration.millis(1500) } });
    }, /^test\/g: routerTimeouts.serviceClient "1.5s" is out of range; use whole seconds from 1 second to 1 day$/],
    ['name too long for Knative', () => {
      const chart = newChart('ml');
      const [a] = two(chart);
      new InferenceGraph(chart, 'g', { name: 'g'.repeat(58), root: GraphNode.sequence([GraphStep.model(a)]) });
    }, /^test\/g: name "g{58}" is 58 characters long; use at most 57 characters \(63 minus the revision suffix "-00001" 6\)$/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('InferenceGraph steps that call existing services', () => {
  test('an InferenceService by name, an external URL, resources, scaling and placement (Standard mode)', () => {
    const chart = newChart('fraud');
    const rules = model(chart, 'rules', { platform: ServingPlatform.kserveStandard() });
    const sa = new ServiceAccount(chart, 'router-sa', { metadata: { name: 'graph-router' }, automountToken: false });
    const graph = new InferenceGraph(chart, 'scoring', {
      root: GraphNode.sequence([
        GraphStep.inferenceService('feature-store', { name: 'features', dependency: StepDependency.HARD }),
        GraphStep.node(GraphNode.ensemble([
          GraphStep.model(rules, { name: 'rules' }),
          GraphStep.inferenceService('fraud-xgb', { name: 'xgb', dependency: StepDependency.SOFT }),
        ], { name: 'score' }), { data: StepData.RESPONSE }),
        GraphStep.url('https://audit.example.com/v1/models/audit:predict', {
          name: 'audit', data: StepData.RESPONSE, mapPredictionsToInstances: true, dependency: StepDependency.SOFT,
        }),
      ]),
      mode: GraphDeploymentMode.STANDARD,
      resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(512) },
      scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 8, metric: ScalingMetric.CPU, target: 70 }),
      nodePool: GpuNodePool.custom({ labels: { pool: 'router' }, taints: [{ key: 'dedicated', value: 'router' }] }),
      nodeName: 'node-a.example.internal',
      serviceAccount: sa,
      routerTimeouts: { serviceClient: Duration.seconds(20) },
    });
    const docs = synth(chart);
    const ig = docOf(docs, 'InferenceGraph');
    expect(ig.spec).toEqual({
      nodes: {
        root: {
          routerType: 'Sequence',
          steps: [
            { name: 'features', serviceName: 'feature-store', dependency: 'Hard' },
            { nodeName: 'score', data: '$response' },
            { name: 'audit', serviceUrl: 'https://audit.example.com/v1/models/audit:predict', data: '$response', mapPredictionsToInstances: true, dependency: 'Soft' },
          ],
        },
        score: {
          routerType: 'Ensemble',
          steps: [{ name: 'rules', serviceName: 'rules' }, { name: 'xgb', serviceName: 'fraud-xgb', dependency: 'Soft' }],
        },
      },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } },
      minReplicas: 2,
      maxReplicas: 8,
      scaleMetric: 'cpu',
      scaleTarget: 70,
      nodeSelector: { pool: 'router' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'router', effect: 'NoSchedule' }],
      nodeName: 'node-a.example.internal',
      serviceAccountName: 'graph-router',
      routerTimeouts: { serviceClient: 20 },
    });
    expect(graph.mode).toBe(GraphDeploymentMode.STANDARD);
    // The service account and the model are applied before the graph that uses them.
    expect(docs.map((d) => d.kind)).toEqual(['InferenceService', 'ServiceAccount', 'InferenceGraph']);
    expect(graph.node.validate()).toEqual([]);
  });

  test('a service account by name, and mapPredictionsToInstances false is left out', () => {
    const chart = newChart('ml');
    new InferenceGraph(chart, 'g', {
      root: GraphNode.sequence([
        GraphStep.inferenceService('a'),
        GraphStep.inferenceService('b', { data: StepData.RESPONSE, mapPredictionsToInstances: false }),
      ]),
      serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'router'),
      timeout: Duration.minutes(10),
    });
    const ig = docOf(synth(chart), 'InferenceGraph');
    expect(ig.spec).toEqual({
      nodes: { root: { routerType: 'Sequence', steps: [{ serviceName: 'a' }, { serviceName: 'b', data: '$response' }] } },
      serviceAccountName: 'router',
      timeout: 600,
    });
  });

  test('a step naming a ServedModel of the app by name fails at synth', () => {
    const chart = newChart('ml');
    model(chart, 'churn');
    const graph = new InferenceGraph(chart, 'g', { root: GraphNode.sequence([GraphStep.inferenceService('churn')]) });
    expect(graph.node.validate()).toEqual([
      'test/g: nodes.root.steps[0] "churn" names the ServedModel "test/churn" of this app; pass it by object: GraphStep.model(model); '
      + 'GraphStep.inferenceService is for InferenceServices the app does not declare',
    ]);
    // The same name in another namespace is another InferenceService.
    const other = new Chart(chart.node.root, 'other', { namespace: 'other' });
    const g2 = new InferenceGraph(other, 'g', { root: GraphNode.sequence([GraphStep.inferenceService('churn')]) });
    expect(g2.node.validate()).toEqual([]);
  });
});

describe('InferenceGraph existing services: bad input', () => {
  const seq = (...steps: GraphStep[]) => GraphNode.sequence(steps);
  const cases: Array<[string, () => void, RegExp]> = [
    ['InferenceService name that is not a DNS-1035 label', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('Fraud_V1')) }),
      /^test\/g: root GraphStep.inferenceService: serviceName "Fraud_V1" is not a valid DNS-1035 label; use lower-case letters/],
    ['InferenceService name that is a pasted API key', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('sk-abcdefghijklmnopqrstuvwx')) }),
      /^test\/g: root GraphStep.inferenceService: serviceName "<redacted>" looks like an OpenAI-style API key written as a literal; pass credentials by reference/],
    ['InferenceService name that is not a string', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService(7 as any)) }),
      /^test\/g: root GraphStep.inferenceService: serviceName 7 is not a valid DNS-1035 label/],
    ['mapPredictionsToInstances that is not a boolean', () => new InferenceGraph(newChart('ml'), 'g', {
      root: seq(GraphStep.inferenceService('a'), GraphStep.inferenceService('b', { mapPredictionsToInstances: 'yes' as any })),
    }), /^test\/g: root GraphStep.inferenceService: mapPredictionsToInstances "yes" is not a boolean; use true or false$/],
    ['mapPredictionsToInstances in an Ensemble', () => new InferenceGraph(newChart('ml'), 'g', {
      root: GraphNode.ensemble([GraphStep.inferenceService('a', { mapPredictionsToInstances: true })]),
    }), /^test\/g: nodes.root.steps\[0\].mapPredictionsToInstances true has no effect in a Ensemble node; use it in Sequence nodes only$/],
    ['a field path in data', () => new InferenceGraph(newChart('ml'), 'g', {
      root: seq(GraphStep.inferenceService('a'), GraphStep.inferenceService('b', { data: StepData.of('$response.predictions') })),
    }), /^test\/g: nodes.root.steps\[1\].data "\$response.predictions" is not read by KServe's router, which only tells \$response from the original request \(the step would get the request\); use StepData.RESPONSE in a Sequence, with mapPredictionsToInstances: true/],
    ['$response in a Splitter', () => new InferenceGraph(newChart('ml'), 'g', {
      root: GraphNode.splitter([GraphStep.inferenceService('a', { weight: 100, data: StepData.RESPONSE })]),
    }), /^test\/g: nodes.root.steps\[0\].data "\$response" has no effect in a Splitter node; use StepData.RESPONSE in Sequence nodes only/],
    ['$response on the first step of a Sequence', () => new InferenceGraph(newChart('ml'), 'g', {
      root: seq(GraphStep.inferenceService('a', { data: StepData.of('$response') })),
    }), /^test\/g: nodes.root.steps\[0\].data "\$response" has no previous response on the first step of a Sequence; drop it: the first step gets the request$/],
    ['a condition on the first step of a Sequence', () => new InferenceGraph(newChart('ml'), 'g', {
      root: seq(GraphStep.inferenceService('a', { condition: 'predictions.#(@>0.5)' })),
    }), /^test\/g: nodes.root.steps\[0\].condition "predictions.#\(@>0.5\)" has no previous response to test on the first step of a Sequence \(KServe's router answers 500\); put the condition on a later step/],
    ['dependency in a Switch', () => new InferenceGraph(newChart('ml'), 'g', {
      root: GraphNode.conditional([GraphStep.inferenceService('a', { condition: 'x', dependency: StepDependency.HARD })]),
    }), /^test\/g: nodes.root.steps\[0\].dependency "Hard" has no effect in a Switch node \(the chosen step's answer is the node's answer\); use dependency in Sequence and Ensemble nodes only$/],
    ['nodeName in Knative mode', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), nodeName: 'node-a' }),
      /^test\/g: nodeName "node-a" cannot be set on a Knative-mode graph router \(Knative revisions do not allow nodeName\); use nodePool to place the router, or GraphDeploymentMode.STANDARD$/],
    ['bad nodeName', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), nodeName: 'Node A', mode: GraphDeploymentMode.STANDARD }),
      /^test\/g: nodeName "Node A" is not a valid DNS-1123 subdomain/],
    ['timeout in Standard mode', () => new InferenceGraph(newChart('ml'), 'g', {
      root: seq(GraphStep.inferenceService('a')), mode: GraphDeploymentMode.STANDARD, timeout: Duration.seconds(30),
    }), /^test\/g: timeout "30 seconds" has no effect on a Standard-mode graph router \(KServe sets it on Knative revisions only\); use routerTimeouts/],
    ['timeout over Knative\'s maximum', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), timeout: Duration.minutes(11) }),
      /^test\/g: timeout "660s" is out of range; use whole seconds from 1 second to 10 minutes \(Knative's max-revision-timeout-seconds\)$/],
    ['the old serviceAccountName prop', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), serviceAccountName: 'sa' } as any),
      /^test\/g: serviceAccountName "sa" was replaced by serviceAccount; use serviceAccount: ServiceAccount.fromServiceAccountName\(scope, id, name\) from cdk8s-plus-28$/],
    ['a service account that is a string', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), serviceAccount: 'sa' as any }),
      /^test\/g: serviceAccount "sa" is not an object; use an object with the documented fields$/],
    ['a service account without a name', () => new InferenceGraph(newChart('ml'), 'g', { root: seq(GraphStep.inferenceService('a')), serviceAccount: {} as any }),
      /^test\/g: serviceAccount "<object>" is not a service account; use ServiceAccount.fromServiceAccountName/],
    ['a service account in another namespace', () => {
      const chart = newChart('ml');
      const sa = new ServiceAccount(new Chart(chart.node.root, 'other', { namespace: 'other' }), 'sa', { metadata: { name: 'router' } });
      new InferenceGraph(chart, 'g', { root: seq(GraphStep.inferenceService('a')), serviceAccount: sa });
    }, /^test\/g: serviceAccount "other\/router" is in namespace "other", not the graph's "ml"; a pod runs as a service account of its own namespace/],
  ];
  test.each(cases)('%s', (_name, fn, message) => {
    expect(fn).toThrow(message);
  });
});

describe('examples/graph-existing-service', () => {
  test('calls an InferenceService by name and an external URL, with router resources, scaling and placement', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require('../examples/graph-existing-service');
    const docs = synthApp(buildApp(testOutdir()));
    const ig = docOf(docs, 'InferenceGraph');
    expect(ig.spec.nodes.root.steps.map((s: any) => s.serviceName ?? s.serviceUrl)).toEqual([
      'feature-transformer', 'fraud-xgb', 'https://case-manager.risk.example.com/v1/models/triage:predict',
    ]);
    // Only the model the app declares is emitted; the transformer and the triage service are not.
    expect(docs.filter((d) => d.kind === 'InferenceService').map((d) => d.metadata.name)).toEqual(['fraud-xgb']);
    expect(ig.metadata.annotations['serving.kserve.io/deploymentMode']).toBe('Standard');
    expect(ig.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleMetric: 'cpu',
      scaleTarget: 60,
      serviceAccountName: 'fraud-graph-router',
      resources: { requests: { cpu: '500m', memory: '256Mi' } },
      nodeSelector: { 'node-pool': 'routers' },
    });
  });
});
