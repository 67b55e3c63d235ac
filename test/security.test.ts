import { EnvValue } from 'cdk8s-plus-28';
import { ModelFormat, ModelNetworkPolicy, ModelStorage, NetworkPeer, ServedModel } from '../src';
import { expectRestricted } from './conformance/pod-security';
import { docOf, newChart, synth } from './util';

const base = { format: ModelFormat.SKLEARN, storage: ModelStorage.s3('models', 'm') };

describe('credentials only by reference', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['AWS access key id', { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' }, /env\["AWS_ACCESS_KEY_ID"\] "<redacted>" looks like an AWS access key id written as a literal; pass credentials by reference/],
    ['Hugging Face token', { HF_HOME_TOKENISH: 'hf_abcdefghijklmnopqrstuvwxyzABCDEF12' }, /looks like a Hugging Face token/],
    ['GitHub token', { X: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }, /looks like a GitHub token/],
    ['private key', { CERT: '-----BEGIN RSA PRIVATE KEY-----\nabc' }, /looks like a private key/],
    ['secret-named variable', { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI' }, /env\["AWS_SECRET_ACCESS_KEY"\] "<redacted>" is a credential variable set to a literal/],
    ['password', { DB_PASSWORD: 'hunter2' }, /is a credential variable set to a literal/],
  ];
  test.each(cases)('rejects %s', (_n, env, message) => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, env })).toThrow(message);
  });

  test('the secret value never appears in the message', () => {
    expect(() => new ServedModel(newChart(), 'm', { ...base, env: { DB_PASSWORD: 'hunter2' } })).toThrow(/^((?!hunter2).)*$/s);
  });

  test('ordinary values pass', () => {
    const chart = newChart();
    new ServedModel(chart, 'm', { ...base, env: { LOG_LEVEL: 'debug', TOKENIZERS_PARALLELISM: 'false', MAX_TOKENS: '512' } });
    expect(docOf(synth(chart), 'InferenceService').spec.predictor.model.env).toHaveLength(3);
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
      allowFrom: [NetworkPeer.namespace('payments'), NetworkPeer.pods({ app: 'checkout' })],
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
    expect(() => NetworkPeer.namespace('Bad_NS')).toThrow(/NetworkPeer.namespace: name "Bad_NS" is not a valid DNS-1123 label/);
    expect(() => NetworkPeer.pods({})).toThrow(/NetworkPeer.pods: labels \{\} is empty; name at least one label/);
  });
});
