/**
 * The README is part of the product: its TypeScript snippets must compile
 * against the library, the runnable ones must synthesize valid documents, and
 * the YAML shown after the first example must be what it really produces.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import * as cdk8s from 'cdk8s';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { expectConformant } from './conformance/conformance';
import { expectRestricted } from './conformance/pod-security';
import { testOutdir } from './fixtures/temp';
import { typeCheckVirtualFiles } from './fixtures/type-check';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

interface Block { readonly lang: string; readonly code: string; readonly index: number }
// A fence may carry jsii-rosetta parameters after the language (`ts nofixture`: the snippet is a whole program).
const blocks: Block[] = [...readme.matchAll(/```(\w+)[^\n]*\n([\s\S]*?)```/g)].map((m, index) => ({ lang: m[1], code: m[2], index }));
const snippets = blocks.filter((b) => b.lang === 'ts');
const virtualDir = path.join(root, '.readme-snippets');
const fileOf = (b: Block) => path.join(virtualDir, `snippet-${b.index}.ts`);

/** Runs a snippet with 'cdk8s-model-serving' mapped to the sources and App.synth() captured. */
function run(code: string): any[] {
  // Never written: synth() is captured in memory.
  const outdir = testOutdir();
  const docs: any[] = [];
  class CapturingApp extends cdk8s.App {
    constructor(props: cdk8s.AppProps = {}) {
      super({ ...props, outdir });
    }
    public synth(): void {
      docs.push(...parseAllDocuments(this.synthYaml()).map((d) => d.toJS()));
    }
  }
  const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true };
  const js = ts.transpileModule(code, { compilerOptions }).outputText;
  const shimRequire = (id: string) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (id === 'cdk8s-model-serving') return require('../src');
    if (id === 'cdk8s') return { ...cdk8s, App: CapturingApp };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  };
  vm.runInNewContext(js, { require: shimRequire, exports: {}, module: { exports: {} }, console });
  return docs;
}

describe('README', () => {
  test('has TypeScript snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
  });

  test('every TypeScript snippet compiles against the library', () => {
    expect(typeCheckVirtualFiles(new Map(snippets.map((b) => [fileOf(b), b.code])))).toEqual([]);
  });

  const runnable = snippets.filter((b) => /app\.synth\(\)/.test(b.code));
  test.each(runnable.map((b) => [b.index, b] as const))('snippet %d synthesizes valid, restricted documents', (_i, b) => {
    const docs = run(b.code);
    expect(docs.length).toBeGreaterThan(0);
    expectConformant(docs);
    expectRestricted(docs);
  });

  test('the YAML after the first example is what it synthesizes', () => {
    const first = runnable[0];
    const yamlBlock = blocks.find((b) => b.index > first.index && b.lang === 'yaml')!;
    const docs = run(first.code);
    expect(parseAllDocuments(yamlBlock.code).map((d) => d.toJS())).toEqual(docs);
  });

  test('the GPU + canary example gives a GPU model, a Flagger canary and the Knative flags', () => {
    const gpu = runnable.find((b) => /CanaryRollout/.test(b.code))!;
    const docs = run(gpu.code);
    const kinds = docs.map((d) => `${d.apiVersion}/${d.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['serving.knative.dev/v1/Service', 'flagger.app/v1beta1/Canary', 'v1/ConfigMap']));
    const svc = docs.find((d) => d.kind === 'Service' && d.apiVersion === 'serving.knative.dev/v1');
    expect(svc.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });
});
