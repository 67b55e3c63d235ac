import { IConstruct } from 'constructs';
import { IPlatformCompiler, ModelEndpoint, PerSpec, PlannedDocument, PlatformCapabilities, clusterEndpoint } from './compiler';
import { triggerAuthenticationName } from './extensions';
import { checkNoKnativeKnobs } from './knative-annotations';
import { checkDownload } from './model-download';
import { ResolvedServer } from './model-server-images';
import { checkKServeOnly, placementFields, SERVER_CONTAINER, standalonePod, StandaloneOptions, StandalonePod, withVolumes } from './pod';
import { ErrorScope, fail } from '../internal/errors';
import { compact, sortedRecord } from '../internal/k8s';
import { checkDns1035 } from '../internal/names';
import { Visibility } from '../model/components';
import { ModelSpec } from '../model/model-spec';
import { ArgoRolloutsEngine } from '../rollout/engines/argo';
import { FlaggerDeploymentEngine } from '../rollout/engines/flagger';
import { GatewayBackend } from '../traffic/gateway-exposure';

/** How the Deployment platform scales a model. */
export interface DeploymentScaling {
  /** `none` (fixed replicas), `hpa` (autoscaling/v2) or `keda` (ScaledObject). */
  readonly autoscaler: 'none' | 'hpa' | 'keda';
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

const DISPLAY_NAME = 'Kubernetes Deployment';

/** What the Deployment platform decides once per spec: every document reads these. */
interface DeploymentDecisions {
  readonly scaling: DeploymentScaling;
  /** The server container, the model download and their volumes. */
  readonly pod: StandalonePod;
}

/**
 * Picks the autoscaler: none for a fixed (or min = max) replica count, KEDA
 * for Prometheus metrics and scale-to-zero, HPA on cpu or memory otherwise.
 */
function decideScaling(scope: ErrorScope, spec: ModelSpec): DeploymentScaling {
  const sc = spec.scaling;
  const min = sc.minReplicas;
  if (sc.fixed) return { autoscaler: 'none', minReplicas: min, maxReplicas: min };
  const metric = sc.metric;
  if (metric && metric._family === 'kpa') {
    fail(scope, 'scaling.metric', metric.name, `is a Knative autoscaler metric, not available on ${DISPLAY_NAME}`,
      'use ScalingMetric.CPU or ScalingMetric.MEMORY (HPA), or ScalingMetric.prometheus(...) (KEDA)');
  }
  if (metric?.name === 'prometheus') {
    // KEDA's own rule (a CEL check in its CRD) is min <= max; Scaling checks it, a default max must too.
    const max = sc.maxReplicas ?? (min === 0 ? 1 : undefined);
    if (max === undefined) {
      fail(scope, 'scaling.maxReplicas', undefined, `is required to autoscale on a Prometheus metric on ${DISPLAY_NAME}`, `set maxReplicas > ${min}`);
    }
    if (min > max) fail(scope, 'scaling.minReplicas', min, `is greater than maxReplicas (${max})`, 'use minReplicas <= maxReplicas');
    return { autoscaler: 'keda', minReplicas: min, maxReplicas: max };
  }
  if (min === 0) {
    fail(scope, 'scaling.minReplicas', 0, `needs a Prometheus metric on ${DISPLAY_NAME} (KEDA cannot scale to zero on cpu or memory)`,
      'use ScalingMetric.prometheus({ query, serverAddress }), minReplicas >= 1, or ServingPlatform.knativeService()');
  }
  const max = sc.maxReplicas;
  if (max === undefined) {
    if (metric || sc.target !== undefined) {
      fail(scope, 'scaling.maxReplicas', undefined, `is required to autoscale on ${metric?.name ?? 'cpu'} on ${DISPLAY_NAME}`, `set maxReplicas > ${min}`);
    }
    return { autoscaler: 'none', minReplicas: min, maxReplicas: min };
  }
  if (max === min) return { autoscaler: 'none', minReplicas: min, maxReplicas: min };
  const target = sc.target;
  if (target !== undefined && (!Number.isInteger(target) || target < 1 || target > 100)) {
    fail(scope, 'scaling.target', target, `is not a valid ${metric?.name ?? 'cpu'} utilization for the HPA`, 'use a whole percentage from 1 to 100');
  }
  return { autoscaler: 'hpa', minReplicas: min, maxReplicas: max };
}

/**
 * Plain Kubernetes objects: a Deployment running the model server (with the
 * model download KServe would otherwise inject), a ClusterIP Service, an HPA
 * or KEDA ScaledObject, and a PodDisruptionBudget when two or more replicas
 * stay up. Argo Rollouts can take the Deployment over with `workloadRef`.
 */
export class KubernetesDeploymentCompiler implements IPlatformCompiler {
  public readonly id = 'kubernetes-deployment';
  public readonly displayName = DISPLAY_NAME;
  public readonly knative = false;
  public readonly capabilities: PlatformCapabilities = {
    servingRuntimes: false,
    modelCaches: false,
    rolloutEngines: [new ArgoRolloutsEngine(), new FlaggerDeploymentEngine()],
  };

  private readonly decisions = new PerSpec<DeploymentDecisions>((scope, spec) => ({
    pod: standalonePod(scope, spec, this.options, false, DISPLAY_NAME),
    scaling: decideScaling(scope, spec),
  }));

  constructor(private readonly options: StandaloneOptions) {}

  public validate(scope: IConstruct, spec: ModelSpec): void {
    checkDns1035(scope, 'name', spec.name);
    checkNoKnativeKnobs(scope, spec, this.displayName);
    checkKServeOnly(scope, spec, this.displayName);
    if (spec.visibility === Visibility.EXTERNAL) {
      fail(scope, 'visibility', spec.visibility, `is not available on ${this.displayName} (it emits a ClusterIP Service only)`,
        'use Visibility.CLUSTER_LOCAL and expose the model with gateway: GatewayExposure.route(...) (or your own Ingress)');
    }
    if (spec.timeoutSeconds !== undefined) {
      fail(scope, 'timeout', `${spec.timeoutSeconds}s`, `is not enforced on ${this.displayName} (no request proxy in front of the server)`,
        'drop it and set the timeout on your Ingress or Gateway route, or use a Knative platform');
    }
    checkDownload(scope, spec, this.options, this.displayName);
    this.decisions.of(scope, spec);
  }

  public plan(spec: ModelSpec): PlannedDocument[] {
    const of = (s: ModelSpec): DeploymentDecisions => this.decisions.of(s.name, s);
    const docs: PlannedDocument[] = [
      { id: 'Resource', apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name, spec: (s) => deploymentSpec(s, of(s)) },
      { id: 'Service', apiVersion: 'v1', kind: 'Service', name: spec.name, spec: (s) => serviceSpec(s, of(s).pod.server) },
    ];
    // Which autoscaler documents exist is fixed at construction; their contents follow the final spec.
    const scaling = of(spec).scaling;
    if (scaling.autoscaler === 'hpa') {
      docs.push({
        id: 'HorizontalPodAutoscaler',
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        name: spec.name,
        spec: (s) => hpaSpec(s, of(s).scaling),
      });
    } else if (scaling.autoscaler === 'keda') {
      docs.push({ id: 'ScaledObject', apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: spec.name, spec: (s) => scaledObjectSpec(s, of(s).scaling) });
    }
    if (scaling.minReplicas >= 2) {
      docs.push({
        id: 'PodDisruptionBudget',
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        name: spec.name,
        spec: (s) => ({ maxUnavailable: 1, selector: { matchLabels: selectorLabels(s) } }),
      });
    }
    return docs;
  }

  /** The Deployment's selector. */
  public podSelector(spec: ModelSpec): Record<string, string> {
    return selectorLabels(spec);
  }

  public endpoint(spec: ModelSpec): ModelEndpoint {
    return clusterEndpoint(spec);
  }

  /** The model's Service, port 80 (gRPC when the server speaks it there, see serviceSpec). */
  public gatewayBackend(spec: ModelSpec): GatewayBackend {
    const server = this.decisions.of(spec.name, spec).pod.server;
    return { service: spec.name, port: 80, grpc: server.grpcPort !== undefined };
  }
}

/** The Deployment `spec`. */
function deploymentSpec(spec: ModelSpec, { scaling, pod }: DeploymentDecisions): Record<string, unknown> {
  const selector = selectorLabels(spec);
  const podSpec = withVolumes(compact({
    serviceAccountName: spec.serviceAccountName,
    securityContext: spec.podSecurityContext,
    ...placementFields(spec.placement),
    topologySpreadConstraints: scaling.minReplicas >= 2 ? spreadConstraints(selector) : undefined,
    initContainers: pod.initContainers,
    containers: pod.containers,
  }), pod);
  return {
    ...compact({
      // Left to the autoscaler when there is one, so applying the manifest does not reset its count.
      replicas: scaling.autoscaler === 'none' ? scaling.minReplicas : undefined,
      selector: { matchLabels: selector },
      // Never below the serving capacity during a rollout.
      strategy: spec.deploymentStrategy ?? { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      // `startup.timeout` (GPU models: 20 minutes); Kubernetes' 10 minutes otherwise.
      progressDeadlineSeconds: spec.startup?.timeoutSeconds,
    }),
    template: {
      metadata: {
        labels: sortedRecord(spec.labels),
        annotations: { 'kubectl.kubernetes.io/default-container': SERVER_CONTAINER },
      },
      spec: podSpec,
    },
  };
}


/** The Service `spec`: port 80 serves the model's protocol, as on KServe and Knative. */
function serviceSpec(spec: ModelSpec, server: ResolvedServer): Record<string, unknown> {
  const ports: Array<Record<string, unknown>> = [];
  if (server.grpcPort !== undefined) {
    ports.push({ name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' });
    if (server.httpPort !== undefined) ports.push({ name: 'http', port: server.httpPort, targetPort: 'http', protocol: 'TCP' });
  } else {
    ports.push({ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' });
  }
  return { type: 'ClusterIP', selector: selectorLabels(spec), ports };
}

function hpaSpec(spec: ModelSpec, scaling: DeploymentScaling): Record<string, unknown> {
  const delay = spec.gpuScalingDefaults?.scaleDownDelaySeconds;
  return compact({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
    minReplicas: scaling.minReplicas,
    maxReplicas: scaling.maxReplicas,
    metrics: [{
      type: 'Resource',
      resource: { name: spec.scaling.metric?.name ?? 'cpu', target: { type: 'Utilization', averageUtilization: spec.scaling.target ?? 80 } },
    }],
    // GPU models: the same scale-down delay as on Knative, since a cold start costs minutes.
    behavior: delay !== undefined ? { scaleDown: { stabilizationWindowSeconds: delay } } : undefined,
  });
}

function scaledObjectSpec(spec: ModelSpec, scaling: DeploymentScaling): Record<string, unknown> {
  const m = spec.scaling.metric!;
  const auth = m.authentication?._resolve();
  return compact({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
    minReplicaCount: scaling.minReplicas,
    maxReplicaCount: scaling.maxReplicas,
    // GPU models: idle this long before KEDA scales to zero (KEDA's default is 5 minutes).
    cooldownPeriod: spec.gpuScalingDefaults?.scaleDownDelaySeconds,
    triggers: [{
      type: 'prometheus',
      metadata: { query: m.query!, serverAddress: m.serverAddress!, threshold: String(spec.scaling.target ?? 1), authModes: auth?.mode },
      authenticationRef: auth ? { name: triggerAuthenticationName(spec.name, auth) } : undefined,
    }],
  });
}

/** The labels that select the model's pods; a subset of the standard labels, stable across releases. */
export function selectorLabels(spec: ModelSpec): Record<string, string> {
  return {
    'app.kubernetes.io/component': spec.labels['app.kubernetes.io/component'],
    'app.kubernetes.io/name': spec.labels['app.kubernetes.io/name'],
  };
}

/** Spread replicas over nodes and zones, preferred only: scarce GPU nodes must not block scheduling. */
function spreadConstraints(selector: Record<string, string>): Array<Record<string, unknown>> {
  return ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }));
}
