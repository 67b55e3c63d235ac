import { synthApp } from './util';
import { buildFleet } from '../scripts/fleet';

// The benchmark fleet (scripts/fleet.ts) through the conformance harness. No
// timing here: `npm run bench` measures; this checks what it measures.
describe('fleet (npm run bench)', () => {
  const docs = synthApp(buildFleet(200));
  const byName = (name: string) => docs.find((d) => d.metadata.name === name);

  test('one schema-valid InferenceService per model, in namespaces of 100', () => {
    expect(docs).toHaveLength(200);
    expect(new Set(docs.map((d) => `${d.apiVersion}/${d.kind}`))).toEqual(new Set(['serving.kserve.io/v1beta1/InferenceService']));
    expect(new Set(docs.map((d) => d.metadata.name)).size).toBe(200);
    expect(docs.filter((d) => d.metadata.namespace === 'fleet-0')).toHaveLength(100);
    expect(docs.filter((d) => d.metadata.namespace === 'fleet-1')).toHaveLength(100);
  });

  test('the mix: sklearn scale-to-zero, Triton on a full GPU, vLLM on a MIG slice; every fifth model in a canary', () => {
    const formats = docs.map((d) => d.spec.predictor.model.modelFormat.name);
    expect(formats.filter((f) => f === 'sklearn')).toHaveLength(67);
    expect(formats.filter((f) => f === 'onnx')).toHaveLength(67);
    expect(formats.filter((f) => f === 'huggingface')).toHaveLength(66);
    expect(docs.filter((d) => d.spec.predictor.canaryTrafficPercent !== undefined)).toHaveLength(40);

    expect(byName('sensor-0').spec.predictor).toMatchObject({
      minReplicas: 0,
      maxReplicas: 3,
      scaleTarget: 10,
      model: { storageUri: 's3://sensor-models/sensor-0/v1', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
    });
    expect(byName('sensor-1').spec.predictor).toMatchObject({
      minReplicas: 1,
      maxReplicas: 4,
      model: { runtime: 'kserve-tritonserver', resources: { limits: { 'nvidia.com/gpu': 1 } } },
    });
    expect(byName('sensor-2').spec.predictor.model.resources.limits).toMatchObject({ 'nvidia.com/mig-1g.10gb': 1 });
    // sensor-4: a canary of v2 at the first step, on KServe's own canary (Knative mode).
    expect(byName('sensor-4').spec.predictor).toMatchObject({
      canaryTrafficPercent: 5,
      model: { storageUri: 's3://sensor-models/sensor-4/v2', runtime: 'kserve-tritonserver' },
    });
    expect(byName('sensor-4').metadata.annotations).toMatchObject({ 'serving.kserve.io/enable-tag-routing': 'true' });
    expect(byName('sensor-3').spec.predictor.canaryTrafficPercent).toBeUndefined();
  });

  test('output is deterministic: two fleets, and two synths of one app, are byte-identical', () => {
    const app = buildFleet(200);
    const first = app.synthYaml();
    expect(app.synthYaml()).toBe(first);
    expect(buildFleet(200).synthYaml()).toBe(first);
  });

  test('documents grow linearly with the fleet', () => {
    expect(synthApp(buildFleet(20))).toHaveLength(20);
    expect(buildFleet(20).synthYaml()).toBe(buildFleet(200).synthYaml().split(/^---$/m).slice(0, 20).join('---'));
  });

  test('snapshot: one model of each kind and a canary', () => {
    expect(['sensor-0', 'sensor-1', 'sensor-2', 'sensor-4'].map(byName)).toMatchSnapshot();
  });
});
