import { App, Chart } from 'cdk8s';
import { KnativeClusterFlags } from '../src';
import { synthValid } from './conformance/conformance';
import { testApp } from './fixtures/temp';

export { freshOutdir, testApp, testOutdir } from './fixtures/temp';

/**
 * The Knative flags of the test cluster `newChart` declares: the pod-spec
 * fields the library's Knative pods use (init containers, GPU placement, PVC
 * volumes). Tests of the flag check itself build their own app without them.
 */
export const TEST_CLUSTER_KNATIVE_FLAGS = [
  'kubernetes.podspec-affinity', 'kubernetes.podspec-init-containers', 'kubernetes.podspec-nodeselector',
  'kubernetes.podspec-persistent-volume-claim', 'kubernetes.podspec-runtimeclassname', 'kubernetes.podspec-tolerations',
];

/** A fresh chart in a test app whose cluster has the Knative flags of {@link TEST_CLUSTER_KNATIVE_FLAGS} (declared, not emitted). */
export function newChart(namespace?: string): Chart {
  const app = testApp();
  const chart = new Chart(app, 'test', { namespace });
  new KnativeClusterFlags(chart, 'test-cluster-knative-flags', { enabled: TEST_CLUSTER_KNATIVE_FLAGS });
  return chart;
}

/** Synthesizes a chart, validates every document, returns them. */
export function synth(chart: Chart): any[] {
  return synthValid(chart);
}

/** The first document of a kind. */
export function docOf(docs: any[], kind: string, name?: string): any {
  const d = docs.find((x) => x.kind === kind && (name === undefined || x.metadata?.name === name));
  if (!d) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in ${docs.map((x) => `${x.kind}/${x.metadata?.name}`).join(', ')}`);
  return d;
}

/** Synthesizes every chart of an app and validates each document. */
export function synthApp(app: App): any[] {
  // What `cdk8s synth` runs first: every construct's validations (e.g. Knative feature flags).
  const errors = app.node.findAll().flatMap((c) => c.node.validate());
  if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  return app.charts.flatMap((c) => synthValid(c));
}
