import { App, Chart, Testing } from 'cdk8s';
import { synthValid } from './conformance/conformance';

/** A fresh chart in a test app. */
export function newChart(namespace?: string): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', { namespace });
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
