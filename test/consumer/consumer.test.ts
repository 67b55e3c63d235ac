/**
 * The published package, used as a newcomer would: build and `npm pack` the
 * library, write a fresh `cdk8s init typescript-app` project by hand (the
 * files cdk8s-cli 2.207's template writes: cdk8s-plus-33, TypeScript 5.9,
 * ts-node 10), install the tarball, run `cdk8s synth` and validate the YAML.
 * This proves the entry points, the .jsii manifest and the typings work, not
 * only the source tree, and that cdk8s-plus-33 objects can be passed to a
 * library built on cdk8s-plus-28 (ts-node type-checks main.ts).
 *
 * Runs in CI (CI set; CONSUMER_TEST=0 skips it) or with CONSUMER_TEST=1; it
 * needs the npm registry.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { dryRunPack, packageProblems } from '../../scripts/check-package';
import { expectConformant } from '../conformance/conformance';
import { jsiiBuild } from '../fixtures/jsii';

const enabled = process.env.CONSUMER_TEST === '1' || (!!process.env.CI && process.env.CONSUMER_TEST !== '0');
const root = path.join(__dirname, '..', '..');

// A run under `npx -c` (or `npm exec -c`) leaves npm_config_call set, which
// would make every nested npx run that command instead: drop it.
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'npm_config_call'));

function run(cmd: string, args: string[], opts: ExecFileSyncOptions): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', env: childEnv, ...opts }) as string;
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

// The template's main.ts shape, with a model that receives cdk8s-plus-33
// objects: a ServiceAccount, a Secret-backed EnvValue and a Cpu.
const MAIN = `import { Construct } from 'constructs';
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import {
  Accelerator, CanaryRollout, GpuProduct, KnativeFeatures, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel,
} from 'cdk8s-model-serving';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { }) {
    super(scope, id, props);

    const runner = new kplus.ServiceAccount(this, 'model-runner', { automountToken: false });
    const hfToken = kplus.Secret.fromSecretName(this, 'hf-token', 'hf-token');
    const model = new ServedModel(this, 'fraud-detector', {
      format: ModelFormat.XGBOOST,
      storage: ModelStorage.fromUri('s3://models/fraud/v7'),
      resources: { cpu: kplus.Cpu.units(1), memory: Size.gibibytes(2) },
      accelerator: Accelerator.nvidiaGpu({ count: 1, product: GpuProduct.L4 }),
      scaling: Scaling.scaleToZero({ maxReplicas: 4 }),
      serviceAccount: runner,
      envVariables: { HF_TOKEN: kplus.EnvValue.fromSecretValue({ secret: hfToken, key: 'token' }) },
    });
    new CanaryRollout(this, 'fraud-v8', {
      model,
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v8') },
      steps: [5, 25, 50],
      stepInterval: Duration.minutes(5),
      analysis: RolloutAnalysis.prometheus({ address: 'http://prometheus.monitoring:9090', minSuccessRate: 99 }),
    });
  }
}

const app = new App();
new MyChart(app, 'models', { namespace: 'ml' });
// GPU placement on Knative needs config-features flags: synth fails without them.
new KnativeFeatures(new Chart(app, 'knative'), 'features');
app.synth();
`;

// cdk8s-cli 2.207's templates/typescript-app/tsconfig.json.
const TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true,
    declaration: true,
    experimentalDecorators: true,
    inlineSourceMap: true,
    inlineSources: true,
    lib: ['es2016'],
    module: 'CommonJS',
    noEmit: false,
    noEmitOnError: true,
    noFallthroughCasesInSwitch: true,
    noImplicitAny: true,
    noImplicitReturns: true,
    noImplicitThis: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    resolveJsonModule: true,
    strict: true,
    strictNullChecks: true,
    strictPropertyInitialization: true,
    stripInternal: true,
    target: 'ES2017',
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
};

(enabled ? describe : describe.skip)('consumer: the packed library in a fresh cdk8s-plus-33 app', () => {
  let work: string | undefined;
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('jsii build -> npm pack (only the allowed files) -> install -> cdk8s synth -> valid YAML', () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-consumer-'));
    // Build the JS package (jsii: lib/ + .jsii, rosetta: .jsii.tabl.json) and pack it as npm would publish it.
    jsiiBuild();
    // The tablet of translated examples ships with the package (Construct Hub shows each language's code).
    run('npx', ['jsii-rosetta', 'extract', '--strict'], { cwd: root });
    expect(packageProblems(dryRunPack(root))).toEqual([]);
    const tarball = run('npm', ['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], { cwd: root }).trim().split('\n').pop()!;
    const tarPath = path.join(work, tarball);
    expect(fs.existsSync(tarPath)).toBe(true);

    // What `cdk8s init typescript-app` writes today (cdk8s-cli 2.207), minus
    // its jest setup and `cdk8s import` (which downloads from GitHub).
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'consumer-app',
      version: '1.0.0',
      main: 'main.js',
      types: 'main.ts',
      license: 'Apache-2.0',
      private: true,
      scripts: { synth: 'cdk8s synth', compile: 'tsc --build' },
      dependencies: {
        'cdk8s': '^2',
        'cdk8s-plus-33': '^2',
        'constructs': '^10',
        'cdk8s-model-serving': `file:${tarPath}`,
      },
      devDependencies: { 'cdk8s-cli': '^2', '@types/node': '^14', 'typescript': '5.9.x', 'ts-node': '^10' },
    }, undefined, 2));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, undefined, 2));
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
    fs.writeFileSync(path.join(app, 'main.ts'), MAIN);

    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
    const modules = path.join(app, 'node_modules');
    const version = (p: string) => JSON.parse(fs.readFileSync(path.join(modules, p, 'package.json'), 'utf8')).version as string;
    // The app's own toolchain is the template's, and npm installed the
    // library's cdk8s-plus-28 peer next to the app's cdk8s-plus-33.
    expect(version('typescript')).toMatch(/^5\.9\./);
    expect(version('ts-node')).toMatch(/^10\./);
    expect(version('cdk8s-plus-33')).toMatch(/^2\./);
    expect(version('cdk8s-plus-28')).toMatch(/^2\./);
    // The package ships its jsii manifest and typings, and nothing from the repository's tooling.
    const installed = path.join(modules, 'cdk8s-model-serving');
    expect(fs.existsSync(path.join(installed, '.jsii'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'lib', 'index.d.ts'))).toBe(true);
    expect(fs.readdirSync(installed).sort()).toEqual(expect.not.arrayContaining(['.conformance-cache', '.ci', 'src', 'test', 'scripts']));

    // ts-node type-checks main.ts: cdk8s-plus-33 objects must fit the props.
    run('npx', ['cdk8s', 'synth'], { cwd: app });

    const outFiles = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.yaml'));
    const docs = outFiles.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(app, 'dist', f), 'utf8')).map((d) => d.toJS()));
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'InferenceService', 'PrometheusRule', 'ServiceAccount']);
    expectConformant(docs);

    const sa = docs.find((d) => d.kind === 'ServiceAccount');
    const isvc = docs.find((d) => d.kind === 'InferenceService');
    expect(sa.metadata.namespace).toBe('ml');
    expect(sa.automountServiceAccountToken).toBe(false);
    const predictor = isvc.spec.predictor;
    expect(predictor.serviceAccountName).toBe(sa.metadata.name);
    expect(predictor.model.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(predictor.model.resources.requests).toMatchObject({ 'cpu': '1', 'memory': '2Gi', 'nvidia.com/gpu': 1 });
    // The KServe canary shows the candidate at the first step.
    expect(predictor.canaryTrafficPercent).toBe(5);
    expect(predictor.model.storageUri).toBe('s3://models/fraud/v8');
  }, 600_000);
});
