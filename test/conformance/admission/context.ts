/**
 * What an admission check knows besides the document: the cluster state the
 * app states (Knative's `config-features`) and the other documents of the
 * app (runtimes, for KServe's priority rules).
 */
export interface AdmissionContext {
  /** `config-features` data: the app's ConfigMap and KnativeClusterFlags declarations; Knative's defaults for the rest. */
  readonly knativeFlags: Readonly<Record<string, string>>;
  /** `config-autoscaler` data of the app (Knative's defaults for the rest). */
  readonly knativeAutoscaler?: Readonly<Record<string, string>>;
  /** Every document of the app (ServingRuntimes, ClusterServingRuntimes are read from it). */
  readonly appDocs: readonly any[];
}

/** No ConfigMap, no declaration: a default Knative install. */
export const DEFAULT_CONTEXT: AdmissionContext = { knativeFlags: {}, appDocs: [] };

/** One admission rule family's check of one document: `<path>: <problem>` lines. */
export type AdmissionCheck = (doc: any, ctx: AdmissionContext) => string[];
