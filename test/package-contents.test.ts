/**
 * The npm package's allow-list and size budget (scripts/check-package.ts).
 * The real `npm pack` list is checked after the jsii build: in .ci/run
 * (`npx projen check:package`) and in the consumer test, which packs the
 * library it installs. Here: the rules themselves, so that they can fail.
 */
import * as fs from 'fs';
import * as path from 'path';
import { packageProblems, REQUIRED, UNPACKED_BUDGET_BYTES } from '../scripts/check-package';

const good = [...REQUIRED, 'lib/model/served-model.js', 'lib/model/served-model.d.ts', 'docs/canaries.md']
  .map((p) => ({ path: p, size: 1000 }));

describe('npm package contents', () => {
  test('lib/, .jsii, README, API.md, LICENSE and docs pages pass', () => {
    expect(packageProblems({ files: good, unpackedSize: 2_000_000 })).toEqual([]);
  });

  test.each([
    ['.conformance-cache/crds-abc.json'],
    ['.ci/run'],
    ['src/index.ts'],
    ['test/served-model.test.ts'],
    ['lib/index.test.js.snap'],
    ['tsconfig.tsbuildinfo'],
    ['examples/gpu-serving.ts'],
    ['docs/images/big.png'],
  ])('%s fails the check', (stray) => {
    expect(packageProblems({ files: [...good, { path: stray, size: 1 }], unpackedSize: 2_000_000 }))
      .toEqual([expect.stringContaining(`${stray} must not be packed`)]);
  });

  test('a package without the translated examples (.jsii.tabl.json) fails', () => {
    expect(packageProblems({ files: good.filter((f) => f.path !== '.jsii.tabl.json'), unpackedSize: 1 }))
      .toEqual(['.jsii.tabl.json is missing from the package (translate the examples after the jsii build: npx projen rosetta:extract)']);
  });

  test('a missing entry point or manifest fails', () => {
    const problems = packageProblems({ files: good.filter((f) => f.path !== '.jsii' && f.path !== 'lib/index.d.ts'), unpackedSize: 1 });
    expect(problems).toEqual([
      '.jsii is missing from the package (run the jsii build first: npx projen compile)',
      'lib/index.d.ts is missing from the package (run the jsii build first: npx projen compile)',
    ]);
  });

  test('an unpacked size over the budget fails', () => {
    expect(packageProblems({ files: good, unpackedSize: UNPACKED_BUDGET_BYTES + 1 }))
      .toEqual([expect.stringMatching(/^unpacked size 5\.0 MB is over the budget of 5\.0 MB$/)]);
    expect(packageProblems({ files: good, unpackedSize: UNPACKED_BUDGET_BYTES })).toEqual([]);
  });

  test('package.json allow-lists the same files (projen writes it from .projenrc.ts)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
    expect(pkg.files).toEqual(['lib/**/*.js', 'lib/**/*.d.ts', '.jsii', '.jsii.tabl.json', 'API.md', 'docs/*.md']);
    expect(pkg.stability).toBe('experimental');
  });
});
