/**
 * The docs/ pages: one per topic, linked from the README, links that resolve,
 * TypeScript that compiles, and the default canary queries shown in
 * docs/canaries.md exactly as the rollout engines write them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import { CanaryRollout, ModelFormat, ModelStorage, RolloutAnalysis, Scaling, ServedModel, ServingPlatform } from '../src';
import { typeCheckVirtualFiles } from './fixtures/type-check';
import { newChart, synth } from './util';

const root = path.join(__dirname, '..');
const TOPICS = ['platforms', 'gpus', 'canaries', 'graphs', 'llms', 'security', 'troubleshooting'];
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const pages = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  for (const m of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

/** Relative links of a page that do not resolve to a file (and heading, if given). */
function brokenLinks(rel: string): string[] {
  const text = read(rel).replace(/```[\s\S]*?```/g, '');
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const link = m[1];
    if (/^[a-z]+:/.test(link)) continue;
    const [file, anchor] = link.split('#');
    const target = file ? path.normalize(path.join(path.dirname(rel), file)) : rel;
    if (!fs.existsSync(path.join(root, target))) { broken.push(`${rel}: ${link} (no file ${target})`); continue; }
    if (anchor && target.endsWith('.md') && !anchors(read(target)).has(anchor)) broken.push(`${rel}: ${link} (no heading #${anchor} in ${target})`);
  }
  return broken;
}

function codeBlocks(rel: string, lang: string): string[] {
  return [...read(rel).matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe('docs/', () => {
  test('one page per topic, each linked from the README', () => {
    expect(pages).toEqual(TOPICS.map((t) => `docs/${t}.md`).sort());
    const readme = read('README.md');
    for (const t of TOPICS) expect(readme).toContain(`](./docs/${t}.md)`);
  });

  test('links from the docs and the README resolve, headings included', () => {
    expect([...pages, 'README.md'].flatMap(brokenLinks)).toEqual([]);
  });

  test('TypeScript in the docs compiles against the library', () => {
    const files = new Map(pages.flatMap((p) => codeBlocks(p, 'ts').map((code, i) =>
      [path.join(root, '.docs-snippets', `${path.basename(p, '.md')}-${i}.ts`), code] as const)));
    expect(files.size).toBeGreaterThan(0);
    expect(typeCheckVirtualFiles(files)).toEqual([]);
  });
});

describe('docs/canaries.md: the default analysis queries', () => {
  const shown = codeBlocks('docs/canaries.md', 'promql').map((q) => q.trim());

  /** Every Prometheus query the rollout's documents carry, for the page's example model. */
  function queriesFor(platform: ServingPlatform): { queries: string[]; docs: any[] } {
    const chart = newChart('ml');
    const model = new ServedModel(chart, 'fraud', {
      format: ModelFormat.XGBOOST, storage: ModelStorage.fromUri('s3://models/fraud/v1'), platform, scaling: Scaling.fixedReplicas(2),
    });
    new CanaryRollout(chart, 'v2', {
      model,
      candidate: { storage: ModelStorage.fromUri('s3://models/fraud/v2') },
      steps: [10, 50],
      stepInterval: Duration.minutes(5),
      analysis: RolloutAnalysis.prometheus({ address: 'http://prometheus.monitoring:9090', maxLatencyP99: Duration.millis(300), minSuccessRate: 99 }),
    });
    const docs = synth(chart);
    const queries = docs.flatMap((d) => [
      ...(d.kind === 'PrometheusRule' ? d.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)) : []),
      ...(d.kind === 'AnalysisTemplate' ? d.spec.metrics.map((m: any) => m.provider.prometheus.query) : []),
    ]);
    return { queries, docs };
  }

  test.each([
    ['kserve', ServingPlatform.kserve(), 'kn_serving_invocation_duration_seconds'],
    ['kserveStandard', ServingPlatform.kserveStandard(), 'fraud-v2-predictor'],
    ['kubernetesDeployment', ServingPlatform.kubernetesDeployment(), '{{args.canary-hash}}'],
  ])('%s: the page shows the latency and success-rate queries the library writes', (_id, platform, marker) => {
    const { queries } = queriesFor(platform);
    const onPage = shown.filter((q) => q.includes(marker));
    expect(onPage).toHaveLength(2);
    expect(queries).toHaveLength(2);
    // Alert rules wrap the query: `(<query>) > 300` and `(<query>) < 99`.
    for (const q of onPage) expect(queries.some((written) => written === q || written.startsWith(`(${q}) `))).toBe(true);
  });

  test('knativeService: Flagger\'s built-in checks, whose Envoy queries the page quotes', () => {
    const { docs } = queriesFor(ServingPlatform.knativeService());
    const canary = docs.find((d) => d.kind === 'Canary');
    expect(canary.spec.analysis.metrics.map((m: any) => [m.name, m.thresholdRange])).toEqual([
      ['request-success-rate', { min: 99 }],
      ['request-duration', { max: 300 }],
    ]);
    expect(docs.filter((d) => d.kind === 'MetricTemplate')).toEqual([]);
    expect(shown.filter((q) => q.includes('envoy_cluster_name=~"ml/fraud"'))).toHaveLength(2);
  });
});
