import { celErrors, celRuleStats, celTreeOf, compileRule, isTransitionRule, toCel } from './cel-rules';
import { celTrees, conformanceErrors, crdSchemasAvailable } from './conformance';

const scaledObject = (spec: any) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'so', namespace: 'ml' },
  spec: { scaleTargetRef: { name: 'd' }, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } }], ...spec },
});

describe('CEL rules of the CRDs', () => {
  test('every rule of every CRD compiles, or is a transition rule skipped on create (counts per CRD)', () => {
    if (!crdSchemasAvailable()) return;
    const stats = celRuleStats(celTrees());
    const failed = Object.entries(stats).flatMap(([k, s]) => s.failed.map((f) => `${k} ${f}`));
    // A rule the evaluator cannot compile would be unchecked: list it here on purpose, never silently.
    expect(failed).toEqual([]);
    const summary = Object.fromEntries(Object.entries(stats).map(([k, s]) => [k, `${s.compiled}/${s.total} compiled, ${s.transition} transition`]));
    expect(summary).toMatchSnapshot();
    for (const s of Object.values(stats)) expect(s.compiled + s.transition + s.failed.length).toBe(s.total);
  });

  test('a rule is attached to the node that declares it and runs for every list item and map value', () => {
    const tree = celTreeOf({
      type: 'object',
      properties: {
        items: { type: 'array', items: { 'type': 'object', 'x-kubernetes-validations': [{ rule: 'self.n > 0', message: 'n must be positive' }], 'properties': { n: { type: 'integer' } } } },
        byName: { type: 'object', additionalProperties: { 'type': 'string', 'x-kubernetes-validations': [{ rule: "self.startsWith('x')" }] } },
      },
    })!;
    expect(celErrors('t/v1/T', tree, { items: [{ n: 1 }, { n: 0 }], byName: { a: 'xa', b: 'yb' } })).toEqual([
      '/items/1: n must be positive',
      "/byName/b: failed rule: self.startsWith('x')",
    ]);
    expect(celErrors('t/v1/T', tree, { items: [{ n: 3 }] })).toEqual([]);
  });

  test('transition rules are skipped on create; an evaluation error rejects like a false rule', () => {
    expect(isTransitionRule('self == oldSelf')).toBe(true);
    expect(isTransitionRule('self.oldSelfish == 1')).toBe(false);
    const tree = celTreeOf({ 'type': 'object', 'x-kubernetes-validations': [{ rule: 'self == oldSelf' }, { rule: 'self.missing == 1' }] })!;
    expect(celErrors('t/v1/U', tree, { a: 1 })).toEqual([expect.stringMatching(/^\/: evaluation error: /)]);
  });

  test('JSON integers are CEL ints; the Kubernetes functions the CRDs use compile', () => {
    expect(toCel({ a: 1, b: 1.5, c: [2] })).toEqual({ a: 1n, b: 1.5, c: [2n] });
    for (const rule of ["self.split('/').size() == 2", 'self.all(x, self.exists_one(y, x == y))', "duration('1h') > duration('1s')",
      "self.matches('^(?i)[a-z]+$')", 'self.filter(x, x > 1).size() == 0', "self.lowerAscii() == 'x'"]) {
      expect([rule, compileRule(rule).error]).toEqual([rule, undefined]);
    }
  });

  test('KEDA: minReplicaCount above maxReplicaCount is rejected by the CRD rule', () => {
    if (!crdSchemasAvailable()) return;
    expect(conformanceErrors(scaledObject({ minReplicaCount: 5, maxReplicaCount: 2 }))).toContain(
      '[cel] /spec: minReplicaCount must be less than or equal to maxReplicaCount');
    expect(conformanceErrors(scaledObject({ minReplicaCount: 0, maxReplicaCount: 2 }))).toEqual([]);
  });
});

describe('CEL rules see the schema defaults', () => {
  test('a Gateway API parentRef without group is read with its default group, as the API server defaults it', () => {
    const tree = celTreeOf({
      type: 'object',
      properties: {
        refs: {
          'type': 'array',
          'x-kubernetes-validations': [{ rule: "self.all(r, r.group == 'gateway.networking.k8s.io')", message: 'wrong group' }],
          'items': { type: 'object', properties: { name: { type: 'string' }, group: { type: 'string', default: 'gateway.networking.k8s.io' } } },
        },
      },
    });
    expect(celErrors('defaults-test', tree, { refs: [{ name: 'gw' }] })).toEqual([]);
    expect(celErrors('defaults-test', tree, { refs: [{ name: 'gw', group: 'example.com' }] })).toEqual(['/refs: wrong group']);
  });
});
