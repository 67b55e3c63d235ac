import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The `app.kubernetes.io/managed-by` value on every document the library writes. */
export const MANAGED_BY = 'cdk8s-model-serving';

/**
 * The recommended Kubernetes labels every document the library writes
 * carries: what it is (`component`), who wrote it, its name, and the
 * application it belongs to (`part-of`). A model's documents are part of the
 * model; a document shared by many models (a ServingRuntime, a
 * LocalModelCache and its node groups, Knative's `config-features`) is an
 * application of its own and is part of itself.
 */
export function standardLabels(name: string, component: string, partOf: string = name): Record<string, string> {
  return {
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/part-of': partOf,
  };
}

/** The namespace of the chart a construct is in, if it is in a chart that sets one. */
export function chartNamespace(c: IConstruct): string | undefined {
  try {
    return Chart.of(c).namespace;
  } catch {
    return undefined;
  }
}
