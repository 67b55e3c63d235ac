/**
 * Fleet benchmark (`npm run bench`): how much the library adds on top of
 * emitting the same YAML.
 *
 * For fleets of 200 and 2,000 models, in fresh Node processes, BENCH_RUNS
 * (default 11) interleaved runs per mode after a discarded warm-up (median
 * and min reported), it measures wall time and peak RSS of:
 *   library   - build the fleet with ServedModel/CanaryRollout and synthesize YAML,
 *               with the compiled package (`lib/`, what npm ships and users load;
 *               the task compiles it first), or with BENCH_LIBRARY=src the
 *               TypeScript sources through ts-node (their transpilation, before the
 *               timer, leaves the compiler's garbage and optimizations to the window)
 *   apiobject - the very same documents (read back from the library's output)
 *               as plain cdk8s ApiObjects in a fresh App, synthesized to YAML
 *   yaml      - the same documents serialized with the `yaml` package alone
 * and prints the ratios against the goals as its last lines.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Mode = 'library' | 'apiobject' | 'yaml';
interface Sample { readonly ms: number; readonly rssMb: number }

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
/** Which build of the library the fleet uses: `lib` (compiled, default) or `src`. */
const LIBRARY = process.env.BENCH_LIBRARY ?? 'lib';
const SIZES = [200, 2000];
const MODES: Mode[] = ['library', 'apiobject', 'yaml'];

/** Runs inside a fresh process: one measurement, printed as JSON. */
function worker(mode: Mode, count: number, docsFile: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (mode === 'library') {
    const { buildFleet } = require('./fleet');
    const library = require(LIBRARY === 'src' ? '../src' : '../lib');
    const t0 = process.hrtime.bigint();
    const yamlText: string = buildFleet(count, undefined, library).synthYaml();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    fs.writeFileSync(docsFile, yamlText);
    report(ms);
  } else {
    const YAML = require('yaml');
    const docs = YAML.parseAllDocuments(fs.readFileSync(docsFile, 'utf8')).map((d: any) => d.toJS());
    if (mode === 'apiobject') {
      const { App, Chart, ApiObject } = require('cdk8s');
      const t0 = process.hrtime.bigint();
      const app = new App();
      let chart: any;
      docs.forEach((doc: any, i: number) => {
        if (i % 100 === 0) chart = new Chart(app, `c${i}`);
        new ApiObject(chart, `o${i}`, doc);
      });
      app.synthYaml();
      report(Number(process.hrtime.bigint() - t0) / 1e6);
    } else {
      const t0 = process.hrtime.bigint();
      docs.map((d: any) => YAML.stringify(d)).join('---\n');
      report(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function report(ms: number): void {
  // maxRSS is in KiB on Linux.
  process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

function measure(mode: Mode, count: number, docsFile: string): Sample {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, 'worker', mode, String(count), docsFile], {
    encoding: 'utf8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'test', 'tsconfig.json') },
    maxBuffer: 1024 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Stats { readonly ms: number; readonly minMs: number; readonly rssMb: number }

function stats(samples: Sample[]): Stats {
  return { ms: median(samples.map((s) => s.ms)), minMs: Math.min(...samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.rssMb)) };
}

/**
 * One fleet size. The machine's load drifts (CI neighbours), so the modes
 * run interleaved, round by round: a slow minute hits library and floors
 * alike. A first library run writes the documents the floors read back and
 * is discarded as warm-up (disk cache, ts-node's compile cache).
 */
function runSize(n: number, docsFile: string): { row: Record<Mode, Stats>; paired: number[] } {
  measure('library', n, docsFile);
  const samples: Record<Mode, Sample[]> = { library: [], apiobject: [], yaml: [] };
  const paired: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const mode of MODES) samples[mode].push(measure(mode, n, docsFile));
    paired.push(samples.library[r].ms / samples.apiobject[r].ms);
  }
  return { row: { library: stats(samples.library), apiobject: stats(samples.apiobject), yaml: stats(samples.yaml) }, paired };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-bench-'));
  const results: Record<number, Record<Mode, Stats>> = {};
  let paired: number[] = [];
  if (LIBRARY !== 'src' && LIBRARY !== 'lib') throw new Error(`BENCH_LIBRARY must be lib or src, not ${LIBRARY}`);
  if (LIBRARY === 'lib' && !fs.existsSync(path.join(__dirname, '..', 'lib', 'index.js'))) {
    throw new Error('lib/index.js is missing: run `npx projen compile` (npm run bench does) or set BENCH_LIBRARY=src');
  }
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; `
    + `library: ${LIBRARY === 'lib' ? 'compiled package (lib/)' : 'TypeScript sources (ts-node)'}; ${RUNS} interleaved runs per mode after a warm-up; medians (min)`);
  for (const n of SIZES) {
    const docsFile = path.join(dir, `fleet-${n}.yaml`);
    const { row, paired: p } = runSize(n, docsFile);
    if (n === SIZES[SIZES.length - 1]) paired = p;
    const docCount = fs.readFileSync(docsFile, 'utf8').split(/^---$/m).length;
    results[n] = row;
    const cell = (s: Stats) => `${s.ms.toFixed(0)} ms (${s.minMs.toFixed(0)}) / ${s.rssMb.toFixed(0)} MB`;
    console.log(`${String(n).padStart(5)} models (${docCount} documents): library ${cell(row.library)}, `
      + `ApiObject floor ${cell(row.apiobject)}, yaml floor ${cell(row.yaml)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const big = results[SIZES[SIZES.length - 1]];
  const small = results[SIZES[0]];
  const timeRatio = big.library.ms / big.apiobject.ms;
  const yamlRatio = big.library.ms / big.yaml.ms;
  const memRatio = big.library.rssMb / big.apiobject.rssMb;
  const scaling = big.library.ms / small.library.ms;
  console.log(`time ratio library / ApiObject floor (2000 models): ${timeRatio.toFixed(2)} (goal <= 1.3; of the mins ${
    (big.library.minMs / big.apiobject.minMs).toFixed(2)}, median of paired runs ${median(paired).toFixed(2)})`);
  console.log(`time ratio library / yaml floor (2000 models): ${yamlRatio.toFixed(2)} (of the mins ${(big.library.minMs / big.yaml.minMs).toFixed(2)})`);
  console.log(`memory ratio library / ApiObject floor (2000 models): ${memRatio.toFixed(2)} (goal <= 1.5)`);
  console.log(`scaling factor t(2000) / t(200): ${scaling.toFixed(2)} (goal <= 11; of the mins ${(big.library.minMs / small.library.minMs).toFixed(2)})`);
}

if (process.argv[2] === 'worker') worker(process.argv[3] as Mode, Number(process.argv[4]), process.argv[5]);
else if (require.main === module) main();
