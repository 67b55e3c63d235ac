/**
 * The published package, used as a newcomer would: `npm pack` the library,
 * create a fresh cdk8s TypeScript app in a temp folder, install the tarball
 * and its peers from the registry, run `cdk8s synth` and validate the YAML.
 * This proves the entry points, the .jsii manifest and the typings work, not
 * only the source tree.
 *
 * Runs in CI (CI set) or with CONSUMER_TEST=1; it needs the npm registry.
 */
import { execFileSync, ExecFileSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { expectConformant } from '../conformance/conformance';

const enabled = !!process.env.CI || process.env.CONSUMER_TEST === '1';
const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function run(cmd: string, args: string[], opts: ExecFileSyncOptions): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: 'pipe', ...opts }) as string;
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const APP = `import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as ms from 'cdk8s-model-serving';

const app = new App();
const chart = new Chart(app, 'models', { namespace: 'ml' });
const model = new ms.ServedModel(chart, 'fraud-detector', {
  format: ms.ModelFormat.XGBOOST,
  storage: ms.ModelStorage.fromUri('s3://models/fraud/v7'),
  resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) },
  accelerator: ms.Accelerator.nvidiaGpu({ count: 1, product: ms.GpuProduct.L4 }),
  scaling: ms.Scaling.scaleToZero({ maxReplicas: 4 }),
});
const CanaryRollout = (ms as any).CanaryRollout;
if (CanaryRollout) {
  new CanaryRollout(chart, 'fraud-v8', {
    model,
    candidate: { storage: ms.ModelStorage.fromUri('s3://models/fraud/v8') },
    steps: [5, 25, 50],
    stepInterval: Duration.minutes(5),
  });
}
// GPU placement on Knative needs config-features flags: synth fails without them.
new ms.KnativeFeatures(new Chart(app, 'knative'), 'features');
app.synth();
`;

(enabled ? describe : describe.skip)('consumer: the packed library in a fresh cdk8s app', () => {
  test('npm pack -> install -> cdk8s synth -> valid YAML', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-consumer-'));
    // Build the JS package (jsii: lib/ + .jsii) and pack it as npm would publish it.
    run('npx', ['jsii', '--silence-warnings=reserved-word'], { cwd: root });
    const tarball = run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root }).trim().split('\n').pop()!;
    const tarPath = path.join(work, tarball);
    expect(fs.existsSync(tarPath)).toBe(true);

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    const dev = pkg.devDependencies;
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'consumer-app',
      private: true,
      dependencies: {
        'cdk8s': dev.cdk8s,
        'cdk8s-plus-28': dev['cdk8s-plus-28'],
        'constructs': dev.constructs,
        'cdk8s-model-serving': `file:${tarPath}`,
      },
      devDependencies: { 'cdk8s-cli': '^2', 'ts-node': dev['ts-node'], 'typescript': dev.typescript, '@types/node': dev['@types/node'] },
    }, undefined, 2));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2020', module: 'commonjs', strict: true, esModuleInterop: true, skipLibCheck: false, types: ['node'] },
      include: ['main.ts'],
    }, undefined, 2));
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), 'language: typescript\napp: npx ts-node main.ts\n');
    fs.writeFileSync(path.join(app, 'main.ts'), APP);

    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
    // The package ships its jsii manifest and typings.
    const installed = path.join(app, 'node_modules', 'cdk8s-model-serving');
    expect(fs.existsSync(path.join(installed, '.jsii'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'lib', 'index.d.ts'))).toBe(true);
    run('npx', ['cdk8s', 'synth'], { cwd: app });

    const outFiles = fs.readdirSync(path.join(app, 'dist')).filter((f) => f.endsWith('.yaml'));
    const docs = outFiles.flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(app, 'dist', f), 'utf8')).map((d) => d.toJS()));
    expect(docs.map((d) => d.kind)).toContain('InferenceService');
    expectConformant(docs);
    fs.rmSync(work, { recursive: true, force: true });
  }, 600_000);
});
