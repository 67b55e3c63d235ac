import { Size } from 'cdk8s';
import { ConfigMap, EnvValue, PersistentVolumeClaim, Secret, ServiceAccount } from 'cdk8s-plus-28';
import { ModelFormat, ModelNetworkPolicy, ModelStorage, NetworkPeer, PodSecurity, Scaling, ServedModel, ServingPlatform } from '../src';
import { expectRestricted, podsOf } from './conformance/pod-security';
import { docOf, newChart, synth } from './util';

const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.fromS3({ bucket: 'models', key: 'm' }) };

describe('credentials only by reference', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['AWS access key id', { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' }, /envVariables\["AWS_ACCESS_KEY_ID"\] "<redacted>" looks like an AWS access key id written as a literal; pass credentials by reference/],
    ['Hugging Face token', { HF_HOME_TOKENISH: 'hf_abcdefghijklmnopqrstuvwxyzABCDEF12' }, /looks like a Hugging Face token/],
    ['GitHub token', { X: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, /looks like a GitHub token/],
    ['private key', { CERT: '-----BEGIN RSA PRIVATE KEY-----\nabc' }, /looks like a private key/],
    ['secret-named variable', { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI' }, /envVariables\["AWS_SECRET_ACCESS_KEY"\] "<redacted>" is a credential variable set to a literal/],
    ['password', { DB_PASSWORD: 'hunter2' }, /is a credential variable set to a literal/],
  ];
  /** Plain values, as `envVariables` takes them. */
  const plain = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, EnvValue.fromValue(v)]));
  test.each(cases)('rejects %s', (_n, env, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, envVariables: plain(env) })).toThrow(message);
  });

  test('the secret value never appears in the message', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, envVariables: plain({ DB_PASSWORD: 'hunter2' }) })).toThrow(/^((?!hunter2).)*$/s);
  });

  test('ordinary values pass', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, envVariables: plain({ LOG_LEVEL: 'debug', TOKENIZERS_PARALLELISM: 'false', MAX_TOKENS: '512' }) });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.env).toHaveLength(4);
  });

  test('EnvValue is importable for references', () => {
    expect(EnvValue.fromValue('x').value).toBe('x');
  });
});

describe('ModelNetworkPolicy', () => {
  test('admits the serving data path and the named callers only', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'fraud', base);
    new ModelNetworkPolicy(chart, 'fraud-netpol', {
      model,
      allowFrom: [NetworkPeer.namespace('payments'), NetworkPeer.pods({ labels: { app: 'checkout' } })],
    });
    const docs = synth(chart);
    expectRestricted(docs);
    const np = docOf(docs, 'NetworkPolicy');
    expect(np.metadata).toMatchObject({ name: 'fraud-ingress', namespace: 'ml' });
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'fraud' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kourier-system' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
          { podSelector: { matchLabels: { app: 'checkout' } } },
        ],
      }],
    });
  });

  test('bad peers are rejected', () => {
    // A peer's error is raised where a policy uses it, after the policy's path.
    const model = new ServedModel(newChart(), 'm', base);
    expect(() => new ModelNetworkPolicy(model, 'np', { model, allowFrom: [NetworkPeer.namespace('Bad_NS')] }))
      .toThrow(/^test\/m\/np: allowFrom\[0\] NetworkPeer.namespace: name "Bad_NS" is not a valid DNS-1123 label/);
    expect(() => new ModelNetworkPolicy(model, 'np2', { model, allowFrom: [NetworkPeer.pods({ labels: {} })] }))
      .toThrow(/^test\/m\/np2: allowFrom\[0\] NetworkPeer.pods: labels \{\} is empty; name at least one label/);
    expect(() => new ModelNetworkPolicy(model, 'np3', { model, allowFrom: [NetworkPeer.pods({ labels: { app: 'checkout' }, namespace: 'Shop' })] }))
      .toThrow(/^test\/m\/np3: allowFrom\[0\] NetworkPeer.pods: namespace "Shop" is not a valid DNS-1123 label/);
    expect(() => new ModelNetworkPolicy(model, 'np4', { model, allowFrom: [NetworkPeer.pods(undefined as any)] }))
      .toThrow(/^test\/m\/np4: allowFrom\[0\] NetworkPeer.pods: labels undefined is empty; name at least one label/);
  });

  test('pods in another namespace: both selectors in one peer (pods with these labels, in that namespace only)', () => {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'fraud', base);
    new ModelNetworkPolicy(chart, 'np', {
      model, servingNamespaces: [], allowFrom: [NetworkPeer.pods({ labels: { team: 'payments', app: 'checkout' }, namespace: 'shop' })],
    });
    expect(docOf(synth(chart), 'NetworkPolicy').spec.ingress).toEqual([{
      from: [{
        podSelector: { matchLabels: { app: 'checkout', team: 'payments' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      }],
    }]);
  });
});

describe('PodSecurity', () => {
  test('restricted by default: read-only root, /tmp scratch, HOME there', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', base);
    const p = docOf(synth(chart), 'InferenceService').spec.predictor;
    expect(p.model.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(p.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '4Gi' } }]);
    expect(p.model.volumeMounts).toEqual([{ name: 'scratch', mountPath: '/tmp' }]);
    expect(p.model.env).toEqual([{ name: 'HOME', value: '/tmp' }]);
  });

  test('restricted options: writable root, user ids, scratch size; a user HOME wins', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', {
      ...base,
      envVariables: { HOME: EnvValue.fromValue('/home/model') },
      podSecurity: PodSecurity.restricted({ runAsUser: 1001, runAsGroup: 1001, scratchSize: Size.gibibytes(1) }),
      platform: ServingPlatform.kserveStandard(),
      scaling: Scaling.fixedReplicas(1),
    });
    new ServedModel(chart, 'w', { ...base, podSecurity: PodSecurity.restricted({ readOnlyRootFilesystem: false }) });
    const docs = synth(chart);
    const m = docOf(docs, 'InferenceService', 'm').spec.predictor;
    expect(m.securityContext).toEqual({ runAsGroup: 1001, runAsNonRoot: true, runAsUser: 1001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(m.model.securityContext.runAsUser).toBe(1001);
    expect(m.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(m.model.env).toEqual([{ name: 'HOME', value: '/home/model' }]);
    const w = docOf(docs, 'InferenceService', 'w').spec.predictor;
    expect(w.model.securityContext.readOnlyRootFilesystem).toBeUndefined();
    expect(w.volumes).toBeUndefined();
    expect(w.model.env).toBeUndefined();
  });

  test('baseline is an explicit, recorded opt-out', () => {
    const chart = newChart();
    new ServedModel(chart, 'legacy', { ...base, podSecurity: PodSecurity.baseline('vendor image runs as root (ticket ML-123)') });
    const isvc = docOf(synth(chart), 'InferenceService');
    expect(isvc.metadata.annotations['model-serving.cdk8s.io/pod-security-opt-out']).toBe('vendor image runs as root (ticket ML-123)');
    expect(isvc.spec.predictor.model.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(() => new ServedModel(newChart(), 'm', { ...base, podSecurity: PodSecurity.baseline('') }))
      .toThrow(/^test\/m: podSecurity PodSecurity.baseline: reason "" is not a valid value/);
    expect(() => new ServedModel(newChart(), 'm', { ...base, podSecurity: PodSecurity.restricted({ runAsUser: 0 }) }))
      .toThrow(/^test\/m: podSecurity PodSecurity.restricted: runAsUser 0 is not allowed; use a whole number from 1/);
  });

  test('every platform passes the restricted checker by default', () => {
    const chart = newChart('ml');
    for (const [id, platform] of [['a', ServingPlatform.kserve()], ['b', ServingPlatform.kserveStandard()], ['c', ServingPlatform.knativeService()],
      ['d', ServingPlatform.kubernetesDeployment()]] as const) {
      new ServedModel(chart, id, { ...base, platform, scaling: Scaling.autoscale({ minReplicas: 2, maxReplicas: 4 }) });
    }
    const docs = synth(chart);
    // One pod template per platform was checked: the two InferenceServices, the Knative Service and the Deployment.
    expect(expectRestricted(docs)).toBe(4);
    expect(docs.filter((d) => podsOf(d).length > 0).map((d) => `${d.kind}/${d.metadata.name}`).sort())
      .toEqual(['Deployment/d', 'InferenceService/a', 'InferenceService/b', 'Service/c']);
  });
});

describe('cdk8s-plus interop', () => {
  test('Secret and ConfigMap values by reference, ServiceAccount and PVC objects', () => {
    const chart = newChart('ml');
    const token = Secret.fromSecretName(chart, 'hf', 'hf-token');
    const config = ConfigMap.fromConfigMapName(chart, 'cfg', 'model-config');
    const sa = ServiceAccount.fromServiceAccountName(chart, 'sa', 'model-reader');
    const pvc = PersistentVolumeClaim.fromClaimName(chart, 'pvc', 'models');
    new ServedModel(chart, 'llm', {
      format: ModelFormat.HUGGINGFACE,
      storage: ModelStorage.fromHuggingFace('org/model', { revision: 'v1' }),
      envVariables: { HF_TOKEN: EnvValue.fromSecretValue({ secret: token, key: 'token' }), MAX_LEN: EnvValue.fromConfigMap(config, 'max-len') },
      serviceAccount: sa,
    });
    new ServedModel(chart, 'local', { format: ModelFormat.SKLEARN, storage: ModelStorage.fromPersistentVolumeClaim({ claim: pvc, path: 'sk/v1' }) });
    const docs = synth(chart);
    const p = docOf(docs, 'InferenceService', 'llm').spec.predictor;
    expect(p.serviceAccountName).toBe('model-reader');
    // One list, sorted by name: references and plain values alike.
    expect(p.model.env).toEqual([
      { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
      { name: 'HOME', value: '/tmp' },
      { name: 'MAX_LEN', valueFrom: { configMapKeyRef: { name: 'model-config', key: 'max-len' } } },
    ]);
    expect(docOf(docs, 'InferenceService', 'local').spec.predictor.model.storageUri).toBe('pvc://models/sk/v1');
  });

  test('replaced props and literal credentials in envVariables are rejected', () => {
    // Plain JavaScript callers (or a spread) may still pass the props replaced before 1.0.
    expect(() => new ServedModel(newChart(), 'm', { ...base, serviceAccountName: 'b' } as any))
      .toThrow(/test\/m: serviceAccountName "<set>" is no longer a ServedModel prop; use serviceAccount: ServiceAccount.fromServiceAccountName/);
    expect(() => new ServedModel(newChart(), 'm', { ...base, envValues: {} } as any)).toThrow(/test\/m: envValues "<set>" is no longer a ServedModel prop; use envVariables/);
    expect(() => new ServedModel(newChart(), 'm', { ...base, envVariables: { API_KEY: EnvValue.fromValue('abc') } }))
      .toThrow(/envVariables\["API_KEY"\] "<redacted>" is a credential variable set to a literal/);
  });

  test('a service account must be a cdk8s-plus object with a valid name', () => {
    const chart = newChart();
    expect(() => new ServedModel(chart, 'm', { ...base, serviceAccount: 'reader' as any }))
      .toThrow(/test\/m: serviceAccount "reader" is not a service account; use a cdk8s-plus ServiceAccount/);
    expect(() => new ServedModel(chart, 'n', { ...base, serviceAccount: ServiceAccount.fromServiceAccountName(chart, 'bad', 'Bad_Name') }))
      .toThrow(/test\/n: serviceAccount "Bad_Name" is not a valid DNS-1123 subdomain/);
  });
});
