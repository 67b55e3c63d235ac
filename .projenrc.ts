import { cdk8s, javascript, JsonFile } from 'projen';
import { Stability } from 'projen/lib/cdk';
import { UpdateSnapshot } from 'projen/lib/javascript';

// Versions the library is built and tested against. Peer ranges stay wide so
// that users on any recent cdk8s 2.x / constructs 10.x can install it.
const CDK8S_VERSION = '2.70.106';
const CDK8S_PLUS_VERSION = '2.5.6';
const CONSTRUCTS_VERSION = '10.3.0';

/** What eslint checks: the sources, then the dev files (the test task lints them beside jest, see scripts/test.sh). */
const LINT_DIRS = ['src', 'test', 'examples', 'scripts', 'projenrc', '.projenrc.ts'];

/** A workflow step that downloads the upstream CRDs the tests validate against (test data, never committed). */
function fetchCrdsStep() {
  return { name: 'Fetch the upstream CRDs for the conformance tests', run: 'scripts/fetch-crds.sh "$RUNNER_TEMP/crds"' };
}

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-model-serving',
  packageName: 'cdk8s-model-serving',
  description:
    'Typed cdk8s constructs for serving machine-learning models on KServe, Knative and Kubernetes: ' +
    'GPU scheduling, scale-to-zero and canary rollouts with automatic rollback.',
  author: 'cdk8s-model-serving authors',
  authorAddress: 'maintainers@cdk8s-model-serving.dev',
  authorOrganization: true,
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/cdk8s-model-serving/cdk8s-model-serving.git',
  homepage: 'https://github.com/cdk8s-model-serving/cdk8s-model-serving',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  // The workflows' Node: the release tools (commit-and-tag-version 13) need
  // Node >= 22. Node 20, 22 and 24 are all tested by .ci/run.
  workflowNodeVersion: '22.x',
  // The API may still change before 1.0 (jsii marks every type experimental).
  stability: Stability.EXPERIMENTAL,

  jsiiVersion: '~6.0.0',
  typescriptVersion: '~5.9.3',
  cdk8sVersion: CDK8S_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  cdk8sVersionPinning: false,
  constructsVersionPinning: false,

  keywords: ['cdk8s', 'kserve', 'knative', 'mlops', 'model-serving', 'gpu', 'kubernetes', 'inference', 'canary', 'flagger', 'argo-rollouts'],

  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    `cdk8s-plus-28@${CDK8S_PLUS_VERSION}`,
    '@types/node@^20',
    'ajv@^8.17.1',
    'yaml@^2.8.0',
    'fast-check@^4.3.0',
    'kubernetes-models@^4.5.1',
    '@kubernetes-models/apimachinery@^2.2.0',
    '@bufbuild/cel@^0.6.1',
    // The import-cycle check (test/architecture.test.ts) runs madge's API.
    'madge@^8.0.0',
  ],

  // Neutral package names for the other jsii languages. The release workflow
  // publishes them (secrets: NPM_TOKEN, TWINE_*, MAVEN_*, NUGET_API_KEY,
  // GO_GITHUB_TOKEN); this project's own CI (.ci/run) checks them offline with
  // `jsii-pacmak --code-only`, as it cannot reach PyPI, Maven, NuGet or Go.
  publishToPypi: {
    distName: 'cdk8s-model-serving',
    module: 'cdk8s_model_serving',
  },
  publishToMaven: {
    javaPackage: 'dev.cdk8s_model_serving',
    mavenGroupId: 'dev.cdk8s-model-serving',
    mavenArtifactId: 'cdk8s-model-serving',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk8sModelServing',
    packageId: 'Cdk8sModelServing',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-model-serving/cdk8s-model-serving-go',
  },

  jestOptions: {
    // Snapshots are only ever written by a human running `npm run test:update`.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 120_000,
      // The run's own TMPDIR and the compiled CRD validators; the teardown
      // fails the run when a test leaves a temporary file behind.
      globalSetup: '<rootDir>/test/conformance/global-setup.ts',
      globalTeardown: '<rootDir>/test/conformance/global-teardown.ts',
      // Every test must assert (expect.hasAssertions) and clean its cdk8s outdir.
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      // Jest's default is one worker per core minus one: a single worker on
      // a 2-core CI runner, while the parent process sits idle.
      maxWorkers: '100%',
      // Coverage costs about a second of CPU per test file; nothing in CI
      // reads it. `npm run test:coverage` collects it on demand.
      collectCoverage: false,
      coverageProvider: 'v8',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverageFrom: ['src/**/*.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/.conformance-cache/', '/test/'],
    },
  },

  tsconfigDev: {
    include: ['../examples/**/*.ts', '../scripts/**/*.ts'],
    compilerOptions: {},
  },
  eslintOptions: {
    dirs: LINT_DIRS.slice(0, 1),
    devdirs: LINT_DIRS.slice(1),
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'dist/', 'lib/', 'test-reports/'],
  },

  gitignore: ['/.conformance-cache/', '/bench-results/', '/.jsii.tabl.json', '/.jsii.lock/'],

  // The cdk8s-team release pipeline: a build workflow on every pull request
  // (build, self-mutation check, package every language), a release workflow
  // on every push to main (conventional commits pick the next version and
  // write the changelog, then npm, PyPI, Maven Central, NuGet and the Go
  // module repository are published), and a daily dependency upgrade.
  githubOptions: { mergify: false },
  buildWorkflow: true,
  release: true,
  depsUpgrade: true,
  // The tests validate every document against the upstream CRDs, which are
  // data the repository does not hold: the workflows fetch them first.
  buildWorkflowOptions: { preBuildSteps: [fetchCrdsStep()] },
  releaseWorkflowSetupSteps: [fetchCrdsStep()],
  pullRequestTemplate: false,
  // API compatibility against the latest npm release (task `compat`, below).
  compat: true,
  sampleCode: false,
});

// `projen test` must fail on snapshot drift: force --ci so jest never writes
// new snapshots either.
const jestTask = project.tasks.tryFind('test')!;
jestTask.reset();
// The type-check and eslint run beside jest (scripts/test.sh): each uses one core, and before or
// after jest each left the second core of a 2-core runner idle. eslint --fix runs only when the
// check beside jest finds a problem (fixing while jest reads the files could race).
jestTask.exec('scripts/test.sh', {
  name: 'jest, with tsc --noEmit -p test/tsconfig.json and eslint beside it',
  receiveArgs: true,
  env: { LINT_DIRS: LINT_DIRS.join(' ') },
});

// UpdateSnapshot.NEVER also adds `test:update`, the only task that writes snapshots.

project.addTask('test:coverage', {
  description: 'Run jest with coverage (v8) into coverage/',
  exec: 'jest --ci --passWithNoTests --coverage',
  receiveArgs: true,
});

project.addTask('synth', {
  description: 'Synthesize every example app in examples/ into dist/examples/<name>/ as plain Kubernetes YAML',
  exec: 'ts-node --project test/tsconfig.json scripts/synth-examples.ts',
  receiveArgs: true,
});

const bench = project.addTask('bench', {
  description: 'Fleet benchmark: library synthesis (the compiled package) against the ApiObject and yaml floors',
});
// The benchmark measures what npm ships: the compiled package, built first.
bench.spawn(project.compileTask);
bench.exec('ts-node --transpile-only --project test/tsconfig.json scripts/bench.ts', { receiveArgs: true });

project.addTask('pacmak:code-only', {
  description: 'Generate Python, Java, .NET and Go sources offline (no registries needed)',
  exec: 'jsii-pacmak --code-only --targets python --targets java --targets dotnet --targets go --outdir dist/code-only',
});

// eslint's project service and editors find these; both extend the library's settings.
for (const dir of ['examples', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../tsconfig.json', compilerOptions: { rootDir: '..', noEmit: true }, include: ['./**/*.ts', '../src/**/*.ts'] },
    marker: false,
  });
}

// The npm package holds only what users need. `files` is an allow-list (npm
// adds package.json, README.md and LICENSE itself), so a new folder in the
// repository (a test cache, CI scripts) can never ship by accident;
// scripts/check-package.ts checks the packed list and size in CI.
project.package.addField('files', ['lib/**/*.js', 'lib/**/*.d.ts', '.jsii', '.jsii.tabl.json', 'API.md', 'docs/*.md']);
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/bench-results/');
project.addPackageIgnore('/.conformance-cache/');
project.addPackageIgnore('/.ci/');

project.addTask('check:package', {
  description: 'Fail when `npm pack` would ship anything but lib/, .jsii, README, API.md, LICENSE and docs/, or more than the size budget (run after compile)',
  exec: 'ts-node --transpile-only --project test/tsconfig.json scripts/check-package.ts',
});

// jsii warns about names that are reserved words in another jsii language
// (JSII5018); projen silences that warning by default. The public API avoids
// them, so the warning stays on.
project.compileTask.reset('jsii');
project.compileTask.spawn(project.tasks.tryFind('compat')!);
project.tasks.tryFind('watch')!.reset('jsii -w');

// Every `@example` in the API docs and every README snippet compiles
// (strict) and is translated to Python, Java, C# and Go: the tablet
// (.jsii.tabl.json) ships in the package, so Construct Hub shows each
// language's code. `rosetta/default.ts-fixture` is the examples' context.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every @example and README snippet (strict) and write the translations (.jsii.tabl.json)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.prependSpawn(rosetta);

// jsii-diff against the latest npm release, run after every compile; before
// the first release it passes with a note (see scripts/compat.sh).
const compat = project.tasks.tryFind('compat')!;
compat.reset('scripts/compat.sh');
project.addPackageIgnore('/.compatignore');

project.synth();
