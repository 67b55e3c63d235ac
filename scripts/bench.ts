/**
 * Fleet benchmark (`npm run bench`): how much the library adds on top of
 * emitting the same YAML.
 *
 * For fleets of 200 and 2,000 models, in fresh Node processes, several runs
 * each (median reported), it measures wall time and peak RSS of:
 *   library   - build the fleet with ServedModel/CanaryRollout and synthesize YAML
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

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = [200, 2000];

/** Runs inside a fresh process: one measurement, printed as JSON. */
function worker(mode: Mode, count: number, docsFile: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (mode === 'library') {
    const { buildFleet } = require('./fleet');
    const t0 = process.hrtime.bigint();
    const yamlText: string = buildFleet(count).synthYaml();
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
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-bench-'));
  const results: Record<string, Record<Mode, { ms: number; rssMb: number }>> = {};
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${RUNS} runs each, medians`);
  for (const n of SIZES) {
    const docsFile = path.join(dir, `fleet-${n}.yaml`);
    const row = {} as Record<Mode, { ms: number; rssMb: number }>;
    for (const mode of ['library', 'apiobject', 'yaml'] as Mode[]) {
      const samples = Array.from({ length: RUNS }, () => measure(mode, n, docsFile));
      row[mode] = { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.rssMb)) };
    }
    const docCount = fs.readFileSync(docsFile, 'utf8').split(/^---$/m).length;
    results[n] = row;
    console.log(`${String(n).padStart(5)} models (${docCount} documents): library ${row.library.ms.toFixed(0)} ms / ${row.library.rssMb.toFixed(0)} MB, `
      + `ApiObject floor ${row.apiobject.ms.toFixed(0)} ms / ${row.apiobject.rssMb.toFixed(0)} MB, yaml floor ${row.yaml.ms.toFixed(0)} ms / ${row.yaml.rssMb.toFixed(0)} MB`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const big = results[2000];
  const timeRatio = big.library.ms / big.apiobject.ms;
  const yamlRatio = big.library.ms / big.yaml.ms;
  const memRatio = big.library.rssMb / big.apiobject.rssMb;
  const scaling = big.library.ms / results[200].library.ms;
  console.log(`time ratio library / ApiObject floor (2000 models): ${timeRatio.toFixed(2)} (goal <= 1.3)`);
  console.log(`time ratio library / yaml floor (2000 models): ${yamlRatio.toFixed(2)}`);
  console.log(`memory ratio library / ApiObject floor (2000 models): ${memRatio.toFixed(2)} (goal <= 1.5)`);
  console.log(`scaling factor t(2000) / t(200): ${scaling.toFixed(2)} (goal <= 11)`);
}

if (process.argv[2] === 'worker') worker(process.argv[3] as Mode, Number(process.argv[4]), process.argv[5]);
else if (require.main === module) main();
