import { IConstruct } from 'constructs';
import { IPlatformCompiler, PlannedDocument } from './compiler';
import { fail } from '../internal/errors';
import { ModelSpec } from '../model/model-spec';
import type { ResolvedKedaAuthentication } from '../scaling/keda-authentication';

const STANDARD = 'ServingPlatform.kserveStandard()';
const KSERVE = 'ServingPlatform.kserve() or ServingPlatform.kserveStandard()';

/**
 * Where the InferenceService fields of issue 21 can be written, asked of
 * the platform's capabilities (never its id): an error names the platform
 * that can do it.
 */
export function checkPlatformExtensions(scope: IConstruct, spec: ModelSpec, compiler: IPlatformCompiler): void {
  const mode = compiler.capabilities.inferenceGraphMode;
  const isvc = mode !== undefined;
  const on = `on ${compiler.displayName}`;
  if (spec.deploymentStrategy && compiler.knative) {
    // inference_service_validation.go validateScalingKPACompExtension: "only supported for raw deployment mode".
    fail(scope, 'deploymentStrategy', spec.deploymentStrategy.type, `is not available ${on} (Knative replaces revisions itself)`,
      `use ${STANDARD} or ServingPlatform.kubernetesDeployment()`);
  }
  for (const which of ['transformer', 'explainer'] as const) {
    const ds = spec[which]?.deploymentStrategy;
    // validateScalingKPACompExtension applies to every component's ComponentExtensionSpec.
    if (ds && compiler.knative) {
      fail(scope, `${which}.deploymentStrategy`, ds.type, `is not available ${on} (Knative replaces revisions itself)`, `use ${STANDARD}`);
    }
  }
  if (spec.grpcPort !== undefined && !isvc) {
    fail(scope, 'grpcPort', spec.grpcPort, `is not used ${on}, which picks the server and knows its gRPC port`, 'drop grpcPort (a custom server\'s port is server.port)');
  }
  if (spec.restAndGrpc && mode !== 'Standard') {
    fail(scope, 'restAndGrpc', true, `is not available ${on}${compiler.knative ? ' (Knative routes one port per pod)' : ''}`, `use ${STANDARD}`);
  }
  if (spec.storageUris && !isvc) {
    fail(scope, 'storageUris', spec.storageUris.length, `is not available ${on} (KServe's storage initializer downloads them)`, `use ${KSERVE}, or one storage`);
  }
  if (spec.workerSpec && mode !== 'Standard') {
    // validateMultiNodeVariables: the autoscaler class must be `none`, which only Standard mode has.
    fail(scope, 'workerSpec', spec.workerSpec, `is not available ${on} (KServe serves multi-node models in Standard mode only)`, `use ${STANDARD} with Scaling.fixedReplicas(n)`);
  }
  const metric = spec.scaling.metric;
  if (metric?.name === 'opentelemetry' && mode !== 'Standard') {
    fail(scope, 'scaling.metric', metric.name, `is not available ${on} (KServe Standard mode runs the OpenTelemetry collector and KEDA's scaler for it)`,
      `use ${STANDARD}, or ScalingMetric.prometheus(...)`);
  }
  const t = spec.transformer;
  if (t?.collocated && spec.restAndGrpc) {
    fail(scope, 'restAndGrpc', true, 'cannot apply with a collocated transformer (the transformer\'s port is the pod\'s entry)', 'drop one of them');
  }
}

/**
 * The TriggerAuthentication a metric's KEDA authentication names: an
 * existing one, or `{model}-prometheus-auth` (`{model}-{component}-prometheus-auth`
 * for a transformer's or explainer's own metric), emitted.
 */
export function triggerAuthenticationName(model: string, auth: ResolvedKedaAuthentication, component?: string): string {
  return auth.existingName ?? `${model}${component ? `-${component}` : ''}-prometheus-auth`;
}

/**
 * The documents the issue-21 fields add beside the platform's: a KEDA
 * `TriggerAuthentication` for a Prometheus metric whose authentication the
 * library emits from Secret keys (keda.sh/v1alpha1; only the Secret's name
 * and keys are written, never its values).
 */
export function extensionPlans(spec: ModelSpec): PlannedDocument[] {
  const sources: Array<[string | undefined, ResolvedKedaAuthentication | undefined]> = [
    [undefined, spec.scaling.metric?.authentication?._resolve()],
    ['transformer', spec.transformer?.scaling?.metric?.authentication?._resolve()],
    ['explainer', spec.explainer?.scaling?.metric?.authentication?._resolve()],
  ];
  const out: PlannedDocument[] = [];
  for (const [component, auth] of sources) {
    if (!auth?.secretTargetRef) continue;
    const refs = auth.secretTargetRef.map((r) => ({ parameter: r.parameter, name: r.name, key: r.key }));
    out.push({
      id: component ? `${component[0].toUpperCase()}${component.slice(1)}TriggerAuthentication` : 'TriggerAuthentication',
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'TriggerAuthentication',
      name: triggerAuthenticationName(spec.name, auth, component),
      spec: () => ({ secretTargetRef: refs }),
    });
  }
  return out;
}
