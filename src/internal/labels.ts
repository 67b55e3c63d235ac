import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The `app.kubernetes.io/managed-by` value on every document the library writes. */
export const MANAGED_BY = 'cdk8s-model-serving';

/**
 * The recommended Kubernetes labels the library writes on a document: what it
 * is (`component`), who wrote it, and the application it belongs to. A
 * document shared across applications (a ServingRuntime, a LocalModelCache)
 * passes `false` for `part-of`: it belongs to no single model.
 */
export function standardLabels(name: string, component: string, partOf: string | false = name): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': name,
  };
  if (partOf !== false) labels['app.kubernetes.io/part-of'] = partOf;
  return labels;
}

/** The namespace of the chart a construct is in, if it is in a chart that sets one. */
export function chartNamespace(c: IConstruct): string | undefined {
  try {
    return Chart.of(c).namespace;
  } catch {
    return undefined;
  }
}
