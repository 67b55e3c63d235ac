/**
 * Careless and hostile input (issue 16): every prop the user sets appears in
 * the output as set, or synth fails naming it; secrets never reach a manifest
 * or a message; identities are unique across the app.
 */
import { App, Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, Secret, ServiceAccount } from 'cdk8s-plus-28';
import {
  Accelerator, CanaryRollout, ClusterServingRuntime, GpuNodePool, GpuProduct, GraphNode, GraphStep, InferenceGraph, KnativeFeatures, LlmBackend,
  MetricCheck, MigProfile, ModelFormat, ModelNetworkPolicy, ModelStorage, NetworkPeer, PodSecurity, RolloutAnalysis, Scaling, ScalingMetric,
  ServedModel, ServedModelProps, ServingPlatform, ServingRuntime,
} from '../src';
import { docOf, newChart, synth, testApp } from './util';
import { ModelServingError } from '../src/internal/errors';

const base: ServedModelProps = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' }) };

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e: any) {
    return e;
  }
  throw new Error('expected an error');
}

describe('NetworkPolicy never admits everyone', () => {
  test('no serving namespaces and no callers fails instead of writing `from: []`', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'fraud', base);
    expect(() => new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: [] }))
      .toThrow(/^test\/np: servingNamespaces \[\] and allowFrom name no caller, and a rule without sources would admit everyone; name the gateway/);
  });

  test('no serving namespaces but named callers: only those callers', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'fraud', { ...base, platform: ServingPlatform.kubernetesDeployment() });
    new ModelNetworkPolicy(chart, 'np', { model, servingNamespaces: [], allowFrom: [NetworkPeer.namespace('checkout')] });
    const np = docOf(synth(chart), 'NetworkPolicy');
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'checkout' } } }] }]);
  });

  test('the lists are copied at construction', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'fraud', base);
    const allowFrom = [NetworkPeer.namespace('checkout')];
    new ModelNetworkPolicy(chart, 'np', { model, allowFrom });
    allowFrom.push(NetworkPeer.namespace('everyone'));
    const np = docOf(synth(chart), 'NetworkPolicy');
    expect(JSON.stringify(np)).not.toContain('everyone');
  });
});

describe('credentials never reach a manifest or a message', () => {
  const secretsInUris: Array<[string, string, string]> = [
    ['https userinfo', 'https://user:hunter2pass@models.example.com/model.zip', 'hunter2pass'],
    ['s3 access key and secret', 's3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMIK7MDENG@bucket/m', 'wJalrXUtnFEMIK7MDENG'],
    ['gs userinfo', 'gs://svc:topsecretvalue@bucket/m', 'topsecretvalue'],
  ];
  test.each(secretsInUris)('storage URI with %s is rejected and the secret redacted', (_n, uri, secret) => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', { ...base, storage: ModelStorage.fromUri(uri) }));
    expect(e.message).toMatch(/^test\/m: storage ModelStorage.fromUri: uri ".*<redacted>@.*" carries credentials in its user information; keep credentials out of the URI/);
    expect(e.message).not.toContain(secret);
    expect(e.message).not.toContain('AKIA');
  });

  test('an Azure SAS token in a storage URI is rejected, redacted', () => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', {
      ...base, storage: ModelStorage.fromUri('https://acct.blob.core.windows.net/c/m?sv=2022&sig=abcdefghijklmnopqrstuvwxyz0123%3D'),
    }));
    expect(e.message).toMatch(/uri "<redacted>" contains an Azure SAS signature/);
    expect(e.message).not.toContain('abcdefghijklmnop');
  });

  const envLiterals: Array<[string, string, RegExp]> = [
    ['database URL with a password', 'postgres://app:s3cr3tpw@db:5432/feat', /looks like a URL with a password written as a literal/],
    ['Azure connection string', 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=bXlrZXlteWtleQ==;EndpointSuffix=core.windows.net', /looks like an Azure account key/],
    ['ADO.NET connection string', 'Server=db;Database=f;User Id=app;Password=s3cr3tpw;', /looks like a connection string with a password/],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', /looks like a GitHub token/],
    ['Hugging Face token', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH', /looks like a Hugging Face token/],
  ];
  test.each(envLiterals)('env literal: %s', (_n, value, problem) => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', { ...base, envVariables: { FEATURE_SOURCE: EnvValue.fromValue(value) } }));
    expect(e.message).toMatch(/^test\/m: envVariables\["FEATURE_SOURCE"\] "<redacted>" /);
    expect(e.message).toMatch(problem);
    expect(e.message).toContain('EnvValue.fromSecretValue(...) in envVariables');
    expect(e.message).not.toContain(value);
  });

  test('addEnv and transformer env get the same check', () => {
    const m = new ServedModel(newChart(), 'm', base);
    expect(() => m.addEnv('DB', EnvValue.fromValue('mysql://root:rootpw12@db/x'))).toThrow(/envVariables\["DB"\] "<redacted>" looks like a URL with a password/);
    // Plain JavaScript callers may pass a string: rejected without showing it.
    expect(() => m.addEnv('DB', 'mysql://root:rootpw12@db/x' as any)).toThrow(/^test\/m: addEnv\("DB"\) "<string>" is not an EnvValue; use EnvValue.fromValue/);
    expect(() => new ServedModel(newChart(), 'm', { ...base, transformer: { image: 'reg.example.com/t:1', envVariables: { K: EnvValue.fromValue('sk-abcdefghijklmnopqrstuvwx') } } }))
      .toThrow(/transformer.envVariables\["K"\] "<redacted>" looks like an OpenAI-style API key/);
  });

  test.each([
    [['--api-key=sk-abcdefghijklmnopqrstuvwx'], /args\[0\] "<redacted>" looks like an OpenAI-style API key/],
    [['--api-key=plainsecretvalue'], /args\[0\] "--api-key=<redacted>" passes a credential as a literal argument/],
    [['--hf-token', 'plainsecretvalue'], /args\[0\] "--hf-token <redacted>" passes a credential as a literal argument/],
    [['--password=x1y2z3w4'], /args\[0\] "--password=<redacted>" passes a credential/],
  ])('args %j are rejected', (args, message) => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', { ...base, args }));
    expect(e.message).toMatch(message);
    expect(e.message).not.toMatch(/plainsecretvalue|abcdefghijklmnop|x1y2z3w4/);
  });

  test('a secret flag that reads the environment is fine', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      ...base,
      args: ['--api-key=$(API_KEY)', '--token-file=/var/run/secrets/token', '--max-new-token=512', '--token', '/var/run/secrets/hf'],
      envVariables: { API_KEY: EnvValue.fromSecretValue({ secret: Secret.fromSecretName(chart, 's', 'api'), key: 'key' }) },
    });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.model.args).toEqual(['--api-key=$(API_KEY)', '--token-file=/var/run/secrets/token', '--max-new-token=512', '--token', '/var/run/secrets/hf']);
  });

  test('annotations and labels carrying tokens are rejected', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, annotations: { 'example.com/db': 'postgres://u:pw123456@db/x' } }))
      .toThrow(/^test\/m: annotations\["example.com\/db"\] "<redacted>" looks like a URL with a password/);
    expect(() => new ServedModel(newChart(), 'm', { ...base, labels: { key: 'AKIAIOSFODNN7EXAMPLE' } }))
      .toThrow(/^test\/m: labels\["key"\] "<redacted>" looks like an AWS access key id/);
  });

  test('any message is redacted, whatever the value', () => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', { ...base, name: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }));
    expect(e.message).not.toContain('abcdefghijklmnopqrstuvwxyz');
    expect(e.message).toContain('<redacted>');
  });
});

describe('the redactor replaces the secret only', () => {
  test('the opening quote of a redacted value stays (an AWS key id was matched with the character before it)', () => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', { ...base, name: 'AKIAIOSFODNN7EXAMPLE' }));
    expect(e.message).toMatch(/^test\/m: name "<redacted>" /);
    expect(e.message).not.toContain('AKIA');
  });

  test.each<[string, string, string]>([
    ['an AWS key id after a space', 'key AKIAIOSFODNN7EXAMPLE here', '"key <redacted> here"'],
    ['an Azure account key', 'AccountName=a;AccountKey=abc123def456==;EndpointSuffix=x', '"AccountName=a;<redacted>;EndpointSuffix=x"'],
    ['an Azure shared access key at the start', 'SharedAccessKey=abc123def456;x=1', '"<redacted>;x=1"'],
    ['an Azure SAS signature', 'https://a.blob.core.windows.net/c?sv=1&sig=abcdefghijklmnopqrstuv', '"https://a.blob.core.windows.net/c?sv=1&<redacted>"'],
    ['a connection string password', 'Server=db;Password=hunter22;', '"Server=db;<redacted>;"'],
    ['a password alone: both quotes stay', 'Pwd=hunter22', '"<redacted>"'],
  ])('%s: the delimiters around it stay', (_n, value, shown) => {
    const message = new ModelServingError('Factory.of', 'prop', value, 'is wrong', 'fix it').message;
    expect(message).toBe(`Factory.of: prop ${shown} is wrong; fix it`);
  });
});

describe('every env name from one source', () => {
  test.each<[string, Partial<ServedModelProps>, RegExp]>([
    ['STORAGE_URI in envVariables beside storage', { envVariables: { STORAGE_URI: EnvValue.fromValue('s3://other/m') } }, /^test\/m: envVariables\["STORAGE_URI"\] "<not shown>" conflicts with storage/],
    ['STORAGE_URI from a Secret beside storage', { envVariables: { STORAGE_URI: EnvValue.fromSecretValue({ secret: { name: 's' } as any, key: 'uri' }) } },
      /^test\/m: envVariables\["STORAGE_URI"\] "<not shown>" conflicts with storage/],
  ])('%s', (_n, props, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, ...props } as ServedModelProps)).toThrow(message);
  });

  test('addEnv of a name set by env, or added twice, fails', () => {
    const m = new ServedModel(newChart(), 'm', { ...base, envVariables: { A: EnvValue.fromValue('1') } });
    expect(() => m.addEnv('A', EnvValue.fromValue('2'))).toThrow(/^test\/m: addEnv "A" is also set by envVariables/);
    m.addEnv('B', EnvValue.fromValue('1'));
    expect(() => m.addEnv('B', EnvValue.fromValue('2'))).toThrow(/^test\/m: addEnv "B" was already added; add each environment variable once/);
  });

  test('addEnv after a rollout cannot override the candidate\'s own value', () => {
    const chart = newChart();
    const m = new ServedModel(chart, 'm', base);
    new CanaryRollout(chart, 'r', { model: m, candidate: { storage: ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v8' }), envVariables: { THRESHOLD: EnvValue.fromValue('0.7') } }, steps: [10, 50] });
    expect(() => m.addEnv('THRESHOLD', EnvValue.fromValue('0.5'))).toThrow(/^test\/r: addEnv "THRESHOLD" is also set by envVariables/);
  });
});

describe('labels and annotations the library manages', () => {
  test('a standard label with another value fails', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, labels: { 'app.kubernetes.io/part-of': 'fraud-platform' } }))
      .toThrow(/^test\/m: labels\["app.kubernetes.io\/part-of"\] "fraud-platform" conflicts with the value "m" the library writes/);
  });

  test('the same value is kept (nothing lost)', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, labels: { 'app.kubernetes.io/name': 'm' } });
    expect(docOf(synth(chart), 'InferenceService').metadata.labels['app.kubernetes.io/name']).toBe('m');
  });

  test('the KServe deployment mode annotation with another value fails at synth', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } });
    expect(() => chart.toJson()).toThrow(/^test\/m: annotations\["serving.kserve.io\/deploymentMode"\] "RawDeployment" conflicts with the value "Knative" the library writes \(InferenceService m\)/);
  });

  test('an InferenceGraph\'s managed labels and annotations fail the same way', () => {
    const chart = newChart();
    const m = new ServedModel(chart, 'm', base);
    const root = GraphNode.sequence([GraphStep.model(m)]);
    expect(() => new InferenceGraph(chart, 'g', { root, annotations: { 'serving.kserve.io/deploymentMode': 'Other' } }))
      .toThrow(/^test\/g: annotations\["serving.kserve.io\/deploymentMode"\] "Other" conflicts with the value ".*" the library writes \(InferenceGraph\)/);
    expect(() => new InferenceGraph(chart, 'g2', { root, labels: { 'app.kubernetes.io/part-of': 'platform' } }))
      .toThrow(/^test\/g2: labels\["app.kubernetes.io\/part-of"\] "platform" conflicts with the value "g2"/);
  });

  test('the pod security opt-out annotation is written from podSecurity only', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, annotations: { 'model-serving.cdk8s.io/pod-security-opt-out': 'because' } }))
      .toThrow(/annotations\["model-serving.cdk8s.io\/pod-security-opt-out"\] "because" is written by the library from podSecurity/);
  });
});

describe('contradictions fail', () => {
  const llmBase: ServedModelProps = {
    format: ModelFormat.HUGGINGFACE, storage: ModelStorage.fromHuggingFace('org/model'), accelerator: Accelerator.nvidiaGpu(),
  };
  test.each([
    ['--trust_remote_code', { trustRemoteCode: false }, /args "--trust_remote_code" contradicts or repeats llm.trustRemoteCode \(false\)/],
    ['--trust-remote-code', { trustRemoteCode: false }, /args "--trust-remote-code" contradicts or repeats llm.trustRemoteCode/],
    ['--enable_prefix_caching', { enablePrefixCaching: false }, /contradicts or repeats llm.enablePrefixCaching \(false\)/],
  ])('llm %j vs args %s', (arg, llm, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...llmBase, llm: { backend: LlmBackend.VLLM, ...llm }, args: [arg as string] })).toThrow(message);
  });

  test('runAsGroup reaches the containers on KServe Knative mode', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, podSecurity: PodSecurity.restricted({ runAsUser: 1000, runAsGroup: 3000 }) });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.securityContext).toBeUndefined();
    expect(isvc.spec.predictor.model.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 3000 });
  });

  test('a runtime beside a custom server fails (it would be dropped)', () => {
    const chart = newChart();
    const mlserver = ClusterServingRuntime.fromClusterServingRuntimeName(chart, 'mlserver', 'kserve-mlserver');
    expect(() => new ServedModel(chart, 'm', { storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }), server: { image: 'reg.example.com/s:1' }, runtime: mlserver }))
      .toThrow(/^test\/m: runtime "kserve-mlserver" is set as well as server, which replaces the runtime/);
  });

  test('two taints of one key and effect fail (one would be lost)', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, nodePool: GpuNodePool.custom({ taints: [{ key: 'dedicated', value: 'ml' }, { key: 'dedicated' }] }) }))
      .toThrow(/^test\/m: nodePool GpuNodePool.custom: taints\[1\] "dedicated" has the key and effect of taints\[0\]/);
  });

  test('a baseline reason or a service account name carrying a token fails', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, podSecurity: PodSecurity.baseline('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2ln') }))
      .toThrow(/^test\/m: podSecurity PodSecurity.baseline: reason "<redacted>" looks like a JSON web token/);
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', { ...base, serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'sa', 'sk-abcdefghijklmnopqrstuvwx') }))
      .toThrow(/^test\/m: serviceAccount "<redacted>" looks like an OpenAI-style API key/);
  });

  test('modelStoreSizeLimit with PVC storage fails', () => {
    expect(() => new ServedModel(newChart(), 'm', {
      ...base, storage: ModelStorage.fromPersistentVolumeClaim({ claimName: 'models', path: 'fraud' }), platform: ServingPlatform.kubernetesDeployment({ modelStoreSizeLimit: Size.gibibytes(10) }),
    })).toThrow(/^test\/m: modelStoreSizeLimit "10Gi" has no effect on Kubernetes Deployment: pvc:\/\/ storage is mounted/);
  });

  test('graph node steps are frozen: a late push fails loudly, no cycle', () => {
    const chart = newChart();
    const a = new ServedModel(chart, 'a', base);
    const root = GraphNode.sequence([GraphStep.model(a)]);
    expect(() => root.steps.push(GraphStep.node(root))).toThrow(TypeError);
    const steps = [GraphStep.model(a)];
    const node = GraphNode.sequence(steps);
    steps.push(GraphStep.node(root));
    expect(node.steps).toHaveLength(1);
    new InferenceGraph(chart, 'g', { root: node });
    expect(docOf(synth(chart), 'InferenceGraph').spec.nodes.root.steps).toHaveLength(1);
  });

  test('props mutated after construction change nothing', () => {
    const chart = newChart();
    const args = ['--workers=2'];
    const envVariables: Record<string, EnvValue> = { A: EnvValue.fromValue('1') };
    const labels: Record<string, string> = { team: 'risk' };
    const m = new ServedModel(chart, 'm', { ...base, args, envVariables, labels });
    args.push('--api-key=sk-abcdefghijklmnopqrstuvwx');
    envVariables.B = EnvValue.fromValue('hunter2');
    labels['app.kubernetes.io/part-of'] = 'other';
    m.addEnv('C', EnvValue.fromValue('3'));
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.spec.predictor.model.args).toEqual(['--workers=2']);
    expect(isvc.spec.predictor.model.env.map((e: any) => e.name)).toEqual(['A', 'C', 'HOME']);
    expect(isvc.metadata.labels['app.kubernetes.io/part-of']).toBe('m');
  });
});

describe('identity is unique across the app', () => {
  function appWith(build: (app: App) => void): App {
    const app = testApp();
    build(app);
    return app;
  }

  test('two models of one name in one namespace, in two charts', () => {
    const app = appWith((a) => {
      new ServedModel(new Chart(a, 'c1', { namespace: 'ml' }), 'fraud', base);
      new ServedModel(new Chart(a, 'c2', { namespace: 'ml' }), 'fraud', base);
    });
    expect(() => app.synthYaml()).toThrow(/c2\/fraud\/Resource: metadata.name "fraud" gives a second serving.kserve.io\/v1beta1 InferenceService ml\/fraud: c1\/fraud\/Resource emits the same object/);
  });

  test('the same name in two namespaces is fine', () => {
    const app = appWith((a) => {
      new ServedModel(new Chart(a, 'c1', { namespace: 'ml' }), 'fraud', base);
      new ServedModel(new Chart(a, 'c2', { namespace: 'risk' }), 'fraud', base);
    });
    expect(() => app.synthYaml()).not.toThrow();
  });

  test('two ServingRuntimes of one name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      const props = { supportedFormats: [{ format: ModelFormat.SKLEARN }], container: { image: 'reg.example.com/rt:1' } };
      new ServingRuntime(c, 'rt1', { ...props, name: 'rt' } as any);
      new ServingRuntime(c, 'rt2', { ...props, name: 'rt' } as any);
      new ServedModel(c, 'm', base);
    });
    expect(() => app.synthYaml()).toThrow(/c\/rt2\/Resource: metadata.name "rt" gives a second serving.kserve.io\/v1alpha1 ServingRuntime ml\/rt: c\/rt1\/Resource emits the same object/);
  });

  test('a Knative-Service model and a Deployment model of one name: the Service Knative creates collides', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      new ServedModel(c, 'ksvc', { ...base, name: 'fraud', platform: ServingPlatform.knativeService() });
      new ServedModel(c, 'deploy', { ...base, name: 'fraud', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/ksvc: name "fraud" makes Knative \(the Knative Service's route Service\) create v1 Service ml\/fraud, but c\/deploy\/Service emits the same object/);
  });

  test('an InferenceService and a core Service of its name', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      new ServedModel(c, 'isvc', { ...base, name: 'fraud' });
      new ServedModel(c, 'deploy', { ...base, name: 'fraud-predictor', platform: ServingPlatform.kubernetesDeployment() });
    });
    expect(() => app.synthYaml()).toThrow(/c\/isvc: name "fraud-predictor" makes Knative \(the predictor's route Service\) create v1 Service ml\/fraud-predictor, but c\/deploy\/Service emits the same object/);
  });

  test('KnativeFeatures in two charts write the same ConfigMap', () => {
    const app = appWith((a) => {
      const c1 = new Chart(a, 'c1', { namespace: 'ml' });
      new ServedModel(c1, 'fraud', base);
      new KnativeFeatures(c1, 'features');
      new KnativeFeatures(new Chart(a, 'c2'), 'features');
    });
    expect(() => app.synthYaml()).toThrow(/c2\/features\/.*metadata.name "config-features" gives a second v1 ConfigMap knative-serving\/config-features: c1\/features\/.* emits the same object/);
  });

  test('an InferenceGraph and a model of one name: the router\'s Knative Service collides with the model\'s', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      const m = new ServedModel(c, 'm', { ...base, name: 'fraud-predictor' });
      new ServedModel(c, 'other', { ...base, name: 'router', platform: ServingPlatform.knativeService() });
      new InferenceGraph(c, 'g', { name: 'router', root: GraphNode.sequence([GraphStep.model(m)]) });
    });
    expect(() => app.synthYaml()).toThrow(/c\/g: name "router" makes KServe \(the graph router's Knative Service\) create serving.knative.dev\/v1 Service ml\/router, but c\/other\/Resource emits the same object/);
  });

  test('two NetworkPolicies for one model', () => {
    const app = appWith((a) => {
      const c = new Chart(a, 'c', { namespace: 'ml' });
      const model = new ServedModel(c, 'fraud', base);
      new ModelNetworkPolicy(c, 'np1', { model });
      new ModelNetworkPolicy(c, 'np2', { model });
    });
    expect(() => app.synthYaml()).toThrow(/c\/np2\/Resource: metadata.name "fraud-ingress" gives a second networking.k8s.io\/v1 NetworkPolicy ml\/fraud-ingress/);
  });
});

describe('errors name the model', () => {
  test('a value-class error is re-raised with the path and prop, the factory message kept', () => {
    const e = errorOf(() => new ServedModel(newChart(), 'fraud-17', { ...base, scaling: Scaling.autoscale({ minReplicas: 5, maxReplicas: 2 }) }));
    expect(e.message).toBe('test/fraud-17: scaling Scaling.autoscale: minReplicas 5 is greater than maxReplicas (2); use minReplicas <= maxReplicas');
    expect(e.name).toBe('ModelServingError');
  });

  test.each<[string, Partial<ServedModelProps>, RegExp]>([
    ['storage', { storage: ModelStorage.fromS3({ bucket: 'Bad_Bucket', key: 'm' }) }, /^test\/m: storage ModelStorage.fromS3: bucket "Bad_Bucket" is not a valid bucket name/],
    ['accelerator', { accelerator: Accelerator.nvidiaGpu({ count: 0 }) }, /^test\/m: accelerator Accelerator.nvidiaGpu: count 0 is not allowed/],
    ['nodePool', { nodePool: GpuNodePool.aks('Bad Pool') }, /^test\/m: nodePool GpuNodePool.aks: agentPool "Bad Pool" is not an AKS node pool name/],
    ['podSecurity', { podSecurity: PodSecurity.restricted({ runAsUser: 0 }) }, /^test\/m: podSecurity PodSecurity.restricted: runAsUser 0 is not allowed/],
    ['format', { format: ModelFormat.SKLEARN.withVersion(' ') }, /^test\/m: format ModelFormat.withVersion: version " " is not a valid value/],
    ['a metric inside scaling', { scaling: Scaling.autoscale({ maxReplicas: 3, metric: ScalingMetric.prometheus({ query: 'up', serverAddress: 'prometheus:9090' }) }) },
      /^test\/m: scaling ScalingMetric.prometheus: serverAddress "prometheus:9090" is not an http\(s\) URL/],
    ['a MIG profile inside an accelerator', { accelerator: Accelerator.nvidiaMig(MigProfile.of('9g.1gb')) }, /^test\/m: accelerator MigProfile.of: name "9g.1gb" is not a MIG profile name/],
  ])('%s', (_n, props, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, ...props } as ServedModelProps)).toThrow(message);
  });

  test('the name budget says what it is made of', () => {
    const ns = 'n'.repeat(40);
    expect(() => new ServedModel(newChart(ns), 'fraud-detector', base))
      .toThrow(new RegExp(`^test/fraud-detector: name "fraud-detector" is 14 characters long; use at most 3 characters \\(63 minus "latest-" 7, "-transformer" 12, "-" 1 and the namespace "${ns}" 40\\)`));
    const longer = 'n'.repeat(50);
    expect(() => new ServedModel(newChart(longer), 'm', base))
      .toThrow(/leaves no room for a name \(63 minus "latest-" 7, "-transformer" 12, "-" 1 and the namespace "n{50}" 50\); use a namespace of at most 42 characters/);
  });
});

describe('plain JavaScript callers get clear errors, not TypeErrors', () => {
  test.each<[string, any, RegExp]>([
    ['storage as a string', { ...base, storage: 's3://models/m' }, /^test\/m: storage "s3:\/\/models\/m" is not a ModelStorage; use ModelStorage.fromUri/],
    ['cpu as a string', { ...base, resources: { cpu: '2' } }, /^test\/m: resources.cpu "2" is not a Cpu; use Cpu.units\(2\)/],
    ['memory as a string', { ...base, resources: { cpu: Cpu.units(1), memory: '4Gi' } }, /^test\/m: resources.memory "4Gi" is not a Size/],
    ['scaling as an object', { ...base, scaling: { minReplicas: 1 } }, /^test\/m: scaling "<Object>" is not a Scaling/],
    ['envVariables as a list', { ...base, envVariables: ['A=1'] }, /^test\/m: envVariables \["A=1"\] is not a map/],
    ['a replaced prop', { ...base, env: { A: '1' } }, /^test\/m: env "<set>" is no longer a ServedModel prop; use envVariables with EnvValue.fromValue/],
    ['runtime as a name', { ...base, runtime: 'kserve-mlserver' }, /^test\/m: runtime "kserve-mlserver" is not a serving runtime; use a ServingRuntime or ClusterServingRuntime, or ServingRuntime.fromServingRuntimeName/],
    ['args as a string', { ...base, args: '--workers 2' }, /^test\/m: args "--workers 2" is not a list/],
    ['server without image', { server: {} }, /^test\/m: server.image undefined is missing or not a string/],
    ['visibility not a Visibility', { ...base, visibility: 'public' }, /^test\/m: visibility "public" is not a Visibility; use Visibility.CLUSTER_LOCAL or Visibility.EXTERNAL/],
  ])('%s', (_n, props, message) => {
    const e = errorOf(() => new ServedModel(newChart(), 'm', props));
    expect(e.name).toBe('ModelServingError');
    expect(e.message).toMatch(message);
  });

  test('a rollout re-raises its analysis\'s error after its path', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'm', { ...base, platform: ServingPlatform.knativeService() });
    expect(() => new CanaryRollout(chart, 'r', {
      model, steps: [10], analysis: RolloutAnalysis.prometheus({ address: 'http://prom:9090', checks: [MetricCheck.max({ name: 'Drift', query: 'q', threshold: 1 })] }),
    })).toThrow(/^test\/r: analysis MetricCheck.max: name "Drift" is not a valid DNS-1123 label/);
  });

  test('a rollout candidate gets the same checks', () => {
    const chart = newChart();
    const model = new ServedModel(chart, 'm', base);
    expect(() => new CanaryRollout(chart, 'r', { model, candidate: { storage: 's3://models/v8' } as any, steps: [10] }))
      .toThrow(/^test\/r: storage "s3:\/\/models\/v8" is not a ModelStorage; use ModelStorage.fromUri/);
  });

  test('missing props', () => {
    const e = errorOf(() => new (ServedModel as any)(newChart(), 'm'));
    expect(e.message).toBe('test/m: props undefined is missing or not an object; pass ServedModelProps, e.g. { format, storage }');
  });

  test.each<[string, (c: Chart) => unknown, RegExp]>([
    ['InferenceGraph', (c) => new (InferenceGraph as any)(c, 'x'), /^test\/x: props undefined is missing or not an object; pass InferenceGraphProps/],
    ['CanaryRollout', (c) => new (CanaryRollout as any)(c, 'x'), /^test\/x: props undefined is missing or not an object; pass CanaryRolloutProps/],
    ['ModelNetworkPolicy', (c) => new (ModelNetworkPolicy as any)(c, 'x'), /^test\/x: props undefined is missing/],
    ['ModelNetworkPolicy without a model', (c) => new (ModelNetworkPolicy as any)(c, 'x', { model: 'fraud' }), /^test\/x: model "fraud" is not a ServedModel/],
  ])('%s without props', (_n, build, message) => {
    expect(() => build(newChart())).toThrow(message);
  });

  test('a taint value must be a label value', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, nodePool: GpuNodePool.custom({ taints: [{ key: 'dedicated', value: 'ml team' }] }) }))
      .toThrow(/^test\/m: nodePool GpuNodePool.custom: taints\[0\]\["dedicated"\] "ml team" is not a valid label value/);
  });
});

describe('valid input that used to be refused', () => {
  test('a GCS bucket with "_"', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, storage: ModelStorage.fromGcs({ bucket: 'team_models', path: 'fraud/v7' }) });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.storageUri).toBe('gs://team_models/fraud/v7');
  });

  test('S3 buckets still refuse "_"', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, storage: ModelStorage.fromS3({ bucket: 'team_models', key: 'm' }) })).toThrow(/bucket "team_models" is not a valid bucket name/);
  });

  test('an OCI image by digest is not user information', () => {
    const chart = newChart();
    const digest = `oci://busybox@sha256:${'a'.repeat(64)}`;
    new ServedModel(chart, 'm', { ...base, storage: ModelStorage.fromUri(digest) });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.storageUri).toBe(digest);
  });
});

test('a GPU product is still checked against the pool', () => {
  expect(() => new ServedModel(newChart(), 'm', { ...base, accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.H100_80GB_HBM3 }), nodePool: GpuNodePool.gke('nvidia-l4') }))
    .toThrow(/nodePool "nvidia-l4" holds NVIDIA-L4 GPUs/);
});

describe('placement matches what the node pool offers', () => {
  test.each<[string, Partial<ServedModelProps>, RegExp]>([
    ['an AMD GPU on a GKE NVIDIA pool', { accelerator: Accelerator.amdGpu(), nodePool: GpuNodePool.gke('nvidia-l4') },
      /^test\/m: accelerator "amd.com\/gpu" is an AMD accelerator, but the nodes of GpuNodePool.gke \(GKE accelerator "nvidia-l4"\) hold NVIDIA-L4; use an accelerator the pool offers \(NVIDIA\)/],
    ['an H100 on a Karpenter pool of g6 (L4)', { accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.H100_80GB_HBM3 }), nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g6' }) },
      /^test\/m: accelerator.product "NVIDIA-H100-80GB-HBM3" is not the GPU of GpuNodePool.eksKarpenter \(EC2 instance family "g6" holds NVIDIA L4\)/],
    ['an H100 on a Karpenter pool of p3 (V100)', { accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.H100_80GB_HBM3 }), nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'p3' }) },
      /EC2 instance family "p3" holds NVIDIA V100/],
    ['an NVIDIA GPU on an Inferentia family', { accelerator: Accelerator.nvidiaGpu(), nodePool: GpuNodePool.eksKarpenter('inf', { instanceFamily: 'inf2' }) },
      /accelerator "nvidia.com\/gpu" is an NVIDIA accelerator, but the nodes of GpuNodePool.eksKarpenter \(EC2 instance family "inf2"\) hold AWS Inferentia2/],
    ['an NVIDIA GPU on an AKS MI300X pool', { accelerator: Accelerator.nvidiaGpu(), nodePool: GpuNodePool.aks('mi', { vmSize: 'Standard_ND96isr_MI300X_v5' }) },
      /\(Azure VM size "Standard_ND96isr_MI300X_v5"\) hold AMD Instinct MI300X/],
    ['an L4 on an AKS A100 pool', { accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }), nodePool: GpuNodePool.aks('a100', { vmSize: 'Standard_NC24ads_A100_v4' }) },
      /accelerator.product "NVIDIA-L4" is not the GPU of GpuNodePool.aks/],
  ])('%s fails', (_n, props, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, ...props } as ServedModelProps)).toThrow(message);
  });

  test('matching pools place as before; the AKS VM size is selected', () => {
    const chart = newChart();
    new ServedModel(chart, 'a', { ...base, accelerator: Accelerator.nvidiaGpu({ product: GpuProduct.L4 }), nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'g6' }) });
    new ServedModel(chart, 'b', { ...base, accelerator: Accelerator.amdGpu(), nodePool: GpuNodePool.aks('mi', { vmSize: 'Standard_ND96isr_MI300X_v5' }) });
    new ServedModel(chart, 'c', { ...base, accelerator: Accelerator.nvidiaGpu(), nodePool: GpuNodePool.eksKarpenter('gpu', { instanceFamily: 'x99' }) });
    const docs = synth(chart);
    expect(docOf(docs, 'InferenceService', 'a').spec.predictor.nodeSelector).toEqual({
      'karpenter.k8s.aws/instance-family': 'g6', 'karpenter.k8s.aws/instance-gpu-name': 'l4', 'karpenter.sh/nodepool': 'gpu',
    });
    expect(docOf(docs, 'InferenceService', 'b').spec.predictor.nodeSelector).toEqual({
      'kubernetes.azure.com/agentpool': 'mi', 'node.kubernetes.io/instance-type': 'Standard_ND96isr_MI300X_v5',
    });
  });

  test('a bad VM size names itself', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, nodePool: GpuNodePool.aks('a', { vmSize: 'NC24' }) }))
      .toThrow(/^test\/m: nodePool GpuNodePool.aks: vmSize "NC24" is not an Azure VM size/);
  });
});
