/**
 * What the npm package may hold, and how big it may be: run after the jsii
 * build (`npx projen compile && npx projen check:package`, as .ci/run does).
 * `npm pack --dry-run --json` lists what `npm publish` (and the release
 * workflow's jsii-pacmak) would ship; anything outside the allow-list, a
 * missing entry point, or an unpacked size over the budget fails.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

/**
 * Unpacked size budget. The package is about 3.1 MB since LlmService and the
 * Gateway API families landed (lib/ with its inline source maps is most of it;
 * .jsii and API.md grow with the public API): 5 MB leaves room to grow and
 * still fails on a stray cache (the test cache alone is 34 MB).
 */
export const UNPACKED_BUDGET_BYTES = 5 * 1024 * 1024;

/** Files npm adds itself, the jsii manifest, the rosetta tablet (the examples translated) and the docs. */
const ALLOWED: RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^API\.md$/,
  /^\.jsii$/,
  /^\.jsii\.tabl\.json$/,
  /^lib\/.+\.(js|d\.ts)$/,
  /^docs\/[a-z0-9-]+\.md$/,
];

/**
 * What a jsii consumer cannot do without. The tablet carries the examples in
 * Python, Java, C# and Go: without it Construct Hub shows them in TypeScript.
 */
export const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', '.jsii.tabl.json', 'lib/index.js', 'lib/index.d.ts'];

/** The part of `npm pack --dry-run --json` this check reads. */
export interface PackResult {
  readonly files: ReadonlyArray<{ readonly path: string; readonly size: number }>;
  readonly unpackedSize: number;
}

/** Problems with a packed file list, one line each (empty: the package is fine). */
export function packageProblems(pack: PackResult, budget = UNPACKED_BUDGET_BYTES): string[] {
  const problems: string[] = [];
  const paths = pack.files.map((f) => f.path.split(path.sep).join('/'));
  for (const p of paths) {
    if (!ALLOWED.some((re) => re.test(p))) problems.push(`${p} must not be packed; only lib/*.js, lib/*.d.ts, .jsii, API.md, docs/*.md, README.md, LICENSE`);
  }
  for (const r of REQUIRED) {
    const build = r === '.jsii.tabl.json' ? 'translate the examples after the jsii build: npx projen rosetta:extract' : 'run the jsii build first: npx projen compile';
    if (!paths.includes(r)) problems.push(`${r} is missing from the package (${build})`);
  }
  if (pack.unpackedSize > budget) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    problems.push(`unpacked size ${mb(pack.unpackedSize)} is over the budget of ${mb(budget)}`);
  }
  return problems;
}

/** Runs `npm pack --dry-run --json` in a package folder. */
export function dryRunPack(cwd: string): PackResult {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [result] = JSON.parse(out) as PackResult[];
  return result;
}

if (require.main === module) {
  const root = path.join(__dirname, '..');
  const pack = dryRunPack(root);
  const problems = packageProblems(pack);
  const size = `${pack.files.length} files, ${(pack.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked (budget ${UNPACKED_BUDGET_BYTES / 1024 / 1024} MB)`;
  if (problems.length) {
    console.error(`npm package: ${size}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`npm package: ${size}: only lib/, .jsii, README.md, API.md, LICENSE, docs/`);
}
