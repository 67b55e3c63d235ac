/**
 * Construct Hub and API.md are generated from the jsii assembly: every public
 * type and member must say what it is, and every optional prop its default.
 */
import * as fs from 'fs';
import { jsiiBuild } from './fixtures/jsii';

function assembly(): any {
  return JSON.parse(fs.readFileSync(jsiiBuild(), 'utf8'));
}

describe('public API documentation', () => {
  const jsii = assembly();
  const types: Array<[string, any]> = Object.entries(jsii.types);

  test('the assembly exports the flagship constructs', () => {
    const names = types.map(([fqn]) => fqn.split('.').pop());
    expect(names).toEqual(expect.arrayContaining(['ServedModel', 'CanaryRollout', 'InferenceGraph', 'ServingRuntime', 'KnativeFeatures', 'GpuCapacityReport']));
  });

  test('every type, property, method, parameter and enum member is documented', () => {
    const missing: string[] = [];
    for (const [fqn, t] of types) {
      if (!t.docs?.summary) missing.push(`type ${fqn}`);
      for (const p of t.properties ?? []) if (!p.docs?.summary) missing.push(`property ${fqn}.${p.name}`);
      for (const m of t.methods ?? []) {
        if (!m.docs?.summary) missing.push(`method ${fqn}.${m.name}`);
        for (const a of m.parameters ?? []) if (!a.docs?.summary) missing.push(`parameter ${fqn}.${m.name}(${a.name})`);
      }
      for (const m of t.members ?? []) if (!m.docs?.summary) missing.push(`enum member ${fqn}.${m.name}`);
    }
    expect(missing).toEqual([]);
  });

  test('every optional property of a props interface states its default', () => {
    const missing: string[] = [];
    for (const [fqn, t] of types) {
      if (t.kind !== 'interface') continue;
      for (const p of t.properties ?? []) if (p.optional && p.docs?.default === undefined) missing.push(`${fqn}.${p.name}`);
    }
    expect(missing).toEqual([]);
  });
});
