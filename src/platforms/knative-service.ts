import { IConstruct } from 'constructs';
import { IPlatformCompiler, ModelEndpoint, PerSpec, PlannedDocument, PlatformCapabilities, clusterEndpoint } from './compiler';
import { checkKnativePort, checkKnativeScaling, modelAutoscalingAnnotations } from './knative-annotations';
import { checkDownload } from './model-download';
import { checkKServeOnly, placementFields, SERVER_CONTAINER, standalonePod, StandaloneOptions, StandalonePod, withVolumes } from './pod';
import { DerivedObject } from '../internal/identity';
import { compact, sortedRecord } from '../internal/k8s';
import { checkDns1035, KNATIVE_TAG_PREFIXES } from '../internal/names';
import { Visibility } from '../model/components';
import { ModelSpec } from '../model/model-spec';
import { FlaggerEngine } from '../rollout/engines/flagger';
import { placementKnativeFlags } from '../scheduling/knative-flags';

export const KNATIVE_SERVICE_API_VERSION = 'serving.knative.dev/v1';
export const KNATIVE_VISIBILITY_LABEL = 'networking.knative.dev/visibility';

/** Revision names append `-00001` to the service name. */
const REVISION_SUFFIX = '-00001';

/**
 * The Knative feature flags (`config-features` in `knative-serving`) a model's
 * Knative Service needs, read off the pod it renders; Knative rejects the
 * Service while one is off. `kubernetes.podspec-volumes-emptydir` is on by
 * default but listed so a cluster that turned it off is caught.
 *
 * @param options the platform options the model uses (they choose the server and download)
 */
export function knativeFlagsFor(spec: ModelSpec, options: StandaloneOptions = {}): string[] {
  return podFlags(spec, standalonePod(spec.name, spec, options, true, 'Knative Service'));
}

/** The flags of a rendered pod: its download and volumes, and the placement flags every Knative platform shares. */
function podFlags(spec: ModelSpec, pod: StandalonePod): string[] {
  const flags = new Set<string>(placementKnativeFlags(spec.placement));
  if (pod.initContainers.length) flags.add('kubernetes.podspec-init-containers');
  if (pod.volumes.some((v) => v.emptyDir)) flags.add('kubernetes.podspec-volumes-emptydir');
  if (pod.volumes.some((v) => v.persistentVolumeClaim)) flags.add('kubernetes.podspec-persistent-volume-claim');
  return [...flags].sort();
}

/**
 * A plain Knative Service running the model server, with the model download
 * KServe would otherwise inject. Flagger can drive its traffic (KServe owns
 * and rewrites the traffic of its own Knative Services).
 */
export class KnativeServiceCompiler implements IPlatformCompiler {
  public readonly id = 'knative-service';
  public readonly displayName = 'Knative Service';
  public readonly knative = true;
  public readonly capabilities: PlatformCapabilities = {
    servingRuntimes: false,
    modelCaches: false,
    rolloutEngines: [new FlaggerEngine()],
  };

  /** The server container, the model download and their volumes, decided once per spec. */
  private readonly pods = new PerSpec<StandalonePod>((scope, spec) => standalonePod(scope, spec, this.options, true, this.displayName));

  /** The objects Knative creates (see {@link derivedObjects}), once per spec: the app checks them once per chart it synthesizes. */
  private readonly derived = new PerSpec<DerivedObject[]>((_scope, spec) => this.buildDerivedObjects(spec));

  constructor(private readonly options: StandaloneOptions) {}

  public validate(scope: IConstruct, spec: ModelSpec): void {
    // Tag routes prefix the name (`latest-`), revisions suffix it (`-00001`).
    const budget = 63 - Math.max(REVISION_SUFFIX.length, ...KNATIVE_TAG_PREFIXES.map((p) => p.length));
    checkDns1035(scope, 'name', spec.name, budget, `63 minus the longer of the revision suffix "${REVISION_SUFFIX}" and the tag prefix "latest-"`);
    checkKnativeScaling(scope, spec, this.displayName);
    checkKnativePort(scope, 'server.port', spec.port, this.displayName);
    checkKServeOnly(scope, spec, this.displayName);
    checkDownload(scope, spec, this.options, this.displayName);
    this.pods.of(scope, spec);
  }

  /** The Knative feature flags this model needs (see {@link knativeFlagsFor}). */
  public knativeFlags(spec: ModelSpec): string[] {
    return podFlags(spec, this.pods.of(spec.name, spec));
  }

  public plan(spec: ModelSpec): PlannedDocument[] {
    return [{
      id: 'Resource',
      apiVersion: KNATIVE_SERVICE_API_VERSION,
      kind: 'Service',
      name: spec.name,
      labels: (s): Record<string, string> => (s.visibility === Visibility.CLUSTER_LOCAL ? { [KNATIVE_VISIBILITY_LABEL]: 'cluster-local' } : {}),
      spec: (s) => ({ template: this.template(s) }),
    }];
  }

  /** Knative labels every pod of a Service with its name. */
  public podSelector(spec: ModelSpec): Record<string, string> {
    return { 'serving.knative.dev/service': spec.name };
  }

  public endpoint(spec: ModelSpec): ModelEndpoint {
    return clusterEndpoint(spec);
  }

  /**
   * A Knative Service gets a Route and a Configuration of its name, and the
   * route a (placeholder) Service of its name (knative serving
   * pkg/reconciler/service/resources/names/names.go Route/Configuration, and
   * MakeK8sPlaceholderService in pkg/reconciler/route/resources/service.go).
   */
  public derivedObjects(spec: ModelSpec): DerivedObject[] {
    return this.derived.of(spec.name, spec);
  }

  private buildDerivedObjects(spec: ModelSpec): DerivedObject[] {
    const ns = spec.namespace;
    return [
      { apiVersion: 'v1', kind: 'Service', namespace: ns, name: spec.name, createdBy: 'Knative (the Knative Service\'s route Service)' },
      { apiVersion: KNATIVE_SERVICE_API_VERSION, kind: 'Route', namespace: ns, name: spec.name, createdBy: 'Knative (the Knative Service\'s Route)' },
      { apiVersion: KNATIVE_SERVICE_API_VERSION, kind: 'Configuration', namespace: ns, name: spec.name, createdBy: 'Knative (the Knative Service\'s Configuration)' },
    ];
  }

  /** The revision template: autoscaling annotations, then the pod. */
  public template(spec: ModelSpec): Record<string, unknown> {
    const pod = this.pods.of(spec.name, spec);
    return {
      metadata: compact({
        labels: sortedRecord(spec.labels),
        annotations: sortedRecord(this.annotations(spec)),
      }),
      spec: withVolumes(compact({
        containerConcurrency: spec.containerConcurrency,
        timeoutSeconds: spec.timeoutSeconds,
        serviceAccountName: spec.serviceAccountName,
        ...placementFields(spec.placement),
        // No pod-level securityContext: Knative rejects it unless a feature
        // flag is on; each container carries the restricted profile.
        initContainers: pod.initContainers,
        containers: pod.containers,
      }), pod),
    };
  }


  private annotations(spec: ModelSpec): Record<string, string> {
    const sc = spec.scaling;
    const out: Record<string, string> = {
      'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
      // Always explicit: Knative's own default lower bound is 0.
      'autoscaling.knative.dev/min-scale': String(sc.minReplicas),
      'kubectl.kubernetes.io/default-container': SERVER_CONTAINER,
      // Also the progress deadline (`startup.timeout`; GPU models 20 minutes).
      ...modelAutoscalingAnnotations(spec),
    };
    if (sc.maxReplicas !== undefined) out['autoscaling.knative.dev/max-scale'] = String(sc.maxReplicas);
    if (sc.metric) out['autoscaling.knative.dev/metric'] = sc.metric.name;
    if (sc.target !== undefined) out['autoscaling.knative.dev/target'] = String(sc.target);
    return out;
  }
}
