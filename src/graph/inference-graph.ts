import { ApiObject, Duration } from 'cdk8s';
import { IServiceAccount, ServiceAccount } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { GraphNode, RouterType } from './graph-node';
import { GraphStep, GraphStepOptions, StepData } from './graph-step';
import { checkInteger, fail, ModelServingError, raiseIfInvalid, withScope } from '../internal/errors';
import { DerivedObject, ensureUniqueIdentities } from '../internal/identity';
import { compact, sortedRecord } from '../internal/k8s';
import { chartNamespace, standardLabels } from '../internal/labels';
import { checkAnnotations, checkDns1035, checkDns1123Label, checkDns1123Subdomain, checkLabels, nameFromId } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { wholeSeconds } from '../internal/units';
import { ModelResources, Visibility } from '../model/components';
import { checkManagedKeys, resolveResources } from '../model/model-spec';
import { ServedModel } from '../model/served-model';
import { IServedModel } from '../model/served-model-ref';
import { knativeAutoscalingAnnotations } from '../platforms/knative-annotations';
import { DEPLOYMENT_MODE_ANNOTATION } from '../platforms/kserve';
import { ServingPlatform } from '../platforms/platform';
import { placementFields, resourcesJson } from '../platforms/pod';
import { Scaling } from '../scaling/scaling';
import { placementKnativeFlags, registerKnativeFlagConsumer } from '../scheduling/knative-flags';
import { GpuNodePool } from '../scheduling/node-pool';
import { emptyPlacement } from '../scheduling/placement';

export const GRAPH_API_VERSION = 'serving.kserve.io/v1alpha1';
const ROOT = 'root';

/** How KServe runs the graph's router. */
export enum GraphDeploymentMode {
  /** A Knative Service: request-driven autoscaling, scale to zero. */
  KNATIVE = 'Knative',
  /** A Deployment and a Service (KServe Standard mode). */
  STANDARD = 'Standard',
}

/** Timeouts of the graph router, in whole seconds. */
export interface RouterTimeouts {
  /**
   * Longest time the router takes to read a request.
   *
   * @default - the router's default
   */
  readonly serverRead?: Duration;

  /**
   * Longest time the router takes to write a response.
   *
   * @default - the router's default
   */
  readonly serverWrite?: Duration;

  /**
   * Longest time a kept-alive connection waits for the next request.
   *
   * @default - the router's default
   */
  readonly serverIdle?: Duration;

  /**
   * Longest time the router waits for each model it calls.
   *
   * @default - the router's default
   */
  readonly serviceClient?: Duration;
}

/** Props of an {@link InferenceGraph}. */
export interface InferenceGraphProps {
  /** The node every request enters (KServe's `root`). */
  readonly root: GraphNode;

  /**
   * How KServe runs the router.
   *
   * @default - Standard when every model of the graph runs in KServe Standard mode, else Knative
   */
  readonly mode?: GraphDeploymentMode;

  /**
   * Router replicas (`minReplicas`, `maxReplicas`, `scaleMetric`,
   * `scaleTarget`). Knative mode scales on concurrency or rps (and may scale
   * to zero); Standard mode on cpu or memory, through the HPA KServe creates.
   *
   * @default - KServe's default (one replica)
   */
  readonly scaling?: Scaling;

  /**
   * Router CPU and memory.
   *
   * @default - KServe's router defaults from the inferenceservice-config ConfigMap
   */
  readonly resources?: ModelResources;

  /**
   * The node pool the router runs on: its node selector, node affinity and
   * tolerations go to the router's pod (`GpuNodePool.custom({ labels, taints })`
   * for a CPU pool).
   *
   * @default - any node
   */
  readonly nodePool?: GpuNodePool;

  /**
   * Standard mode only: pin the router's pod to one node by name
   * (KServe's `nodeName`; Knative does not allow it in a revision).
   * Prefer `nodePool`: a pinned pod is not rescheduled when its node goes.
   *
   * @default - the scheduler picks a node
   */
  readonly nodeName?: string;

  /**
   * The router's service account, e.g.
   * `ServiceAccount.fromServiceAccountName(this, 'sa', 'graph-router')` or a
   * `ServiceAccount` of this app (in the graph's namespace). KServe does not
   * mount its token (the router never calls the API server).
   *
   * @default - the namespace's default service account
   */
  readonly serviceAccount?: IServiceAccount;

  /**
   * Knative mode only: the longest a request to the graph may take (the
   * router's Knative revision `timeoutSeconds`, at most 600 seconds, Knative's
   * default `max-revision-timeout-seconds`). In Standard mode use
   * `routerTimeouts`.
   *
   * @default - Knative's default (300 seconds)
   */
  readonly timeout?: Duration;

  /**
   * The router's server and client timeouts.
   *
   * @default - the router's defaults
   */
  readonly routerTimeouts?: RouterTimeouts;

  /**
   * Who can reach the graph.
   *
   * @default Visibility.CLUSTER_LOCAL
   */
  readonly visibility?: Visibility;

  /**
   * The resource name.
   *
   * @default - derived from the construct id
   */
  readonly name?: string;

  /**
   * The namespace; models it names by `serviceName` must be in it.
   *
   * @default - the chart's namespace, else none: kubectl's current namespace at apply time (`url` assumes `default`)
   */
  readonly namespace?: string;

  /**
   * Extra labels.
   *
   * @default - the standard app.kubernetes.io labels only
   */
  readonly labels?: Record<string, string>;

  /**
   * Extra annotations.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * A KServe InferenceGraph: one endpoint in front of several ServedModels,
 * routed as a Sequence (pipelines), Splitter (weighted A/B tests), Ensemble
 * or Switch (routing by a request field). Steps reference ServedModels and
 * nodes by object.
 *
 * Graphs run on KServe only: a step's model must use a KServe platform
 * (`ServingPlatform.kserve()` or `kserveStandard()`); for anything else use
 * `GraphStep.url(...)`. KServe resolves `serviceName` in the graph's
 * namespace, so a model elsewhere needs `crossNamespace: true` and is then
 * called by URL.
 *
 * @example
 * new InferenceGraph(chart, 'churn-ab', {
 *   root: GraphNode.splitter([
 *     GraphStep.model(champion, { weight: 90 }),
 *     GraphStep.model(challenger, { weight: 10 }),
 *   ]),
 * });
 */
export class InferenceGraph extends Construct {
  /** The graph's name. */
  public readonly name: string;
  /** The namespace, if set. */
  public readonly namespace?: string;
  /** How KServe runs the router. */
  public readonly mode: GraphDeploymentMode;
  /** The InferenceGraph document (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: InferenceGraphProps) {
    super(scope, id);
    checkProps(this, props, {
      root: { cls: GraphNode, use: 'GraphNode.sequence([...]), splitter(...), ensemble(...) or switch(...)' },
      mode: { oneOf: GraphDeploymentMode, name: 'GraphDeploymentMode' },
      scaling: { cls: Scaling, use: 'Scaling.autoscale(...), Scaling.scaleToZero(...) or Scaling.fixedReplicas(n)' },
      resources: 'struct',
      nodePool: { cls: GpuNodePool, use: 'GpuNodePool.gke(...), eksKarpenter(...), aks(...) or custom(...)' },
      nodeName: 'string',
      serviceAccount: 'struct',
      timeout: { cls: Duration, use: 'Duration.seconds(n) from cdk8s' },
      routerTimeouts: 'struct',
      visibility: { oneOf: Visibility, name: 'Visibility' },
      name: 'string',
      namespace: 'string',
      labels: 'map',
      annotations: 'map',
    }, [], 'InferenceGraphProps, e.g. { root }');
    this.name = props.name ?? nameFromId(id);
    this.namespace = props.namespace ?? chartNamespace(this);
    if (this.namespace !== undefined) checkDns1123Label(this, 'namespace', this.namespace);
    checkLabels(this, 'labels', props.labels);
    checkAnnotations(this, 'annotations', props.annotations);
    if (!(props.root instanceof GraphNode)) {
      fail(this, 'root', props.root, 'is missing', 'give the graph its root node: GraphNode.sequence(...), splitter(...), ensemble(...) or conditional(...)');
    }
    // A node or step built from bad input raises its factory's error here, after the graph's path.
    withScope(this, 'root', () => raiseIfInvalid(props.root));
    if (props.root.name !== undefined && props.root.name !== ROOT) {
      fail(this, 'root.name', props.root.name, 'is not "root"', 'KServe enters every graph at the node named "root"; drop the name');
    }
    const nodes = this.collectNodes(props.root);
    // Only real served models count here; target() reports anything else with its step path.
    const models = [...nodes.keys()].flatMap((n) => n.steps).map((s) => s._model).filter(isServedModelRef);
    this.mode = props.mode ?? (models.length > 0 && models.every((m) => m.platform._compiler.capabilities.inferenceGraphMode === 'Standard') ? GraphDeploymentMode.STANDARD : GraphDeploymentMode.KNATIVE);
    if (!Object.values(GraphDeploymentMode).includes(this.mode)) {
      fail(this, 'mode', this.mode, 'is not a deployment mode', 'use GraphDeploymentMode.KNATIVE or GraphDeploymentMode.STANDARD');
    }
    // Knative revisions append "-00001" to the name; a Service name is a 63-character DNS label.
    checkDns1035(this, 'name', this.name, this.mode === GraphDeploymentMode.KNATIVE ? 57 : 63,
      this.mode === GraphDeploymentMode.KNATIVE ? '63 minus the revision suffix "-00001" 6' : 'a 63-character DNS label');
    const serviceAccountName = this.serviceAccountName(props);
    if (props.nodeName !== undefined) {
      checkDns1123Subdomain(this, 'nodeName', props.nodeName);
      if (this.mode === GraphDeploymentMode.KNATIVE) {
        // Knative's PodSpec field mask drops nodeName (knative.dev/serving pkg/apis/serving/fieldmask.go, PodSpecMask),
        // and its webhook rejects a revision that sets it.
        fail(this, 'nodeName', props.nodeName, 'cannot be set on a Knative-mode graph router (Knative revisions do not allow nodeName)',
          'use nodePool to place the router, or GraphDeploymentMode.STANDARD');
      }
    }

    const nodesJson: Record<string, unknown> = {};
    for (const [node, nodeName] of [...nodes.entries()].sort((a, b) => (a[1] < b[1] ? -1 : 1))) {
      nodesJson[nodeName] = { routerType: node.routerType, steps: this.stepsJson(node, nodeName, nodes) };
    }

    const placement = props.nodePool ? withScope(this, 'nodePool', () => props.nodePool!._resolve()) : emptyPlacement();
    if (placement.runtimeClassName !== undefined) {
      fail(this, 'nodePool.runtimeClassName', placement.runtimeClassName, 'cannot be set on an InferenceGraph router', 'use a node pool without a RuntimeClass');
    }
    if (this.mode === GraphDeploymentMode.KNATIVE) {
      // KServe copies affinity, tolerations and nodeSelector into the router's Knative Service
      // (v0.20.0 pkg/controller/v1alpha1/inferencegraph/knative_reconciler.go, createKnativeService).
      const flags = placementKnativeFlags(placement);
      if (flags.length > 0) registerKnativeFlagConsumer(this, () => flags);
    }
    const managedLabels = standardLabels(this.name, 'inference-graph');
    if ((props.visibility ?? Visibility.CLUSTER_LOCAL) === Visibility.CLUSTER_LOCAL) {
      // The graph's labels are copied to its Knative Service; Standard mode reads KServe's own label.
      managedLabels[this.mode === GraphDeploymentMode.KNATIVE ? 'networking.knative.dev/visibility' : 'networking.kserve.io/visibility'] = 'cluster-local';
    }
    // A user label or annotation the library writes with another value would be overwritten without a word.
    checkManagedKeys(this, 'labels', props.labels, managedLabels, 'InferenceGraph');
    const managedAnnotations = { ...this.scalingAnnotations(props.scaling), [DEPLOYMENT_MODE_ANNOTATION]: this.mode };
    checkManagedKeys(this, 'annotations', props.annotations, managedAnnotations, 'InferenceGraph');
    const labels: Record<string, string> = { ...(props.labels ?? {}), ...managedLabels };

    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: GRAPH_API_VERSION,
      kind: 'InferenceGraph',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels,
        annotations: { ...(props.annotations ?? {}), ...managedAnnotations },
      },
      spec: compact({
        nodes: nodesJson,
        ...this.scalingFields(props.scaling),
        resources: props.resources ? resourcesJson(resolveResources(this, 'resources', props.resources)) : undefined,
        ...placementFields(placement),
        nodeName: props.nodeName,
        serviceAccountName,
        timeout: this.timeoutSeconds(props.timeout),
        routerTimeouts: props.routerTimeouts ? compact({
          serverRead: seconds(this, 'routerTimeouts.serverRead', props.routerTimeouts.serverRead),
          serverWrite: seconds(this, 'routerTimeouts.serverWrite', props.routerTimeouts.serverWrite),
          serverIdle: seconds(this, 'routerTimeouts.serverIdle', props.routerTimeouts.serverIdle),
          serviceClient: seconds(this, 'routerTimeouts.serviceClient', props.routerTimeouts.serviceClient),
        }) : undefined,
      }),
    });
    ensureUniqueIdentities(this);
    for (const m of new Set(models)) this.node.addDependency(m);
    if (props.serviceAccount instanceof ServiceAccount) this.node.addDependency(props.serviceAccount);
    const named = [...nodes.entries()].flatMap(([node, nodeName]) => node.steps
      .map((step, i) => ({ serviceName: step._serviceName, prop: `nodes.${nodeName}.steps[${i}]` })))
      .filter((s): s is { serviceName: string; prop: string } => s.serviceName !== undefined);
    if (named.length > 0) this.node.addValidation({ validate: () => this.declaredByName(named) });
  }

  /**
   * The in-cluster host name callers use: `{name}.{namespace}.svc.cluster.local`,
   * with `default` as the namespace when the graph has none.
   */
  public get hostname(): string {
    return `${this.name}.${this.namespace ?? 'default'}.svc.cluster.local`;
  }

  /** The URL callers post requests to. */
  public get url(): string {
    return `http://${this.hostname}`;
  }

  /** Names every node reachable from the root, breadth first (so names are stable). */
  private collectNodes(root: GraphNode): Map<GraphNode, string> {
    const names = new Map<GraphNode, string>([[root, ROOT]]);
    const queue: GraphNode[] = [root];
    while (queue.length) {
      const parent = queue.shift()!;
      parent.steps.forEach((step, i) => {
        const child = step._node;
        if (!child || names.has(child)) return;
        const name = child.name ?? `${names.get(parent)}-step-${i + 1}`;
        const taken = [...names.entries()].find(([, n]) => n === name);
        if (taken) {
          fail(this, `nodes.${names.get(parent)}.steps[${i}]`, name, 'names a second, different node with a name already used in the graph',
            'give each node its own name (reuse the same GraphNode object to reach one node twice)');
        }
        names.set(child, name);
        queue.push(child);
      });
    }
    return names;
  }

  private stepsJson(node: GraphNode, nodeName: string, names: Map<GraphNode, string>): unknown[] {
    const at = `nodes.${nodeName}.steps`;
    const seen = new Map<string, number>();
    const json = node.steps.map((step, i) => {
      const o = step._options;
      const prop = `${at}[${i}]`;
      if (o.name !== undefined) {
        if (seen.has(o.name)) fail(this, `${prop}.name`, o.name, `is also the name of step ${seen.get(o.name)}`, 'give each step of a node its own name');
        seen.set(o.name, i);
      }
      if (node.routerType === RouterType.SPLITTER) {
        if (o.weight === undefined) fail(this, `${prop}.weight`, undefined, 'is missing in a Splitter node', 'give every step of a Splitter a weight; the weights add up to 100');
        checkInteger(this, `${prop}.weight`, o.weight, 0, 100);
      } else if (o.weight !== undefined) {
        fail(this, `${prop}.weight`, o.weight, `has no effect in a ${node.routerType} node`, 'use weights in a Splitter node only');
      }
      if (node.routerType === RouterType.SWITCH && o.condition === undefined) {
        fail(this, `${prop}.condition`, undefined, 'is missing in a Switch node', 'give every step of a Switch a condition');
      }
      if ((node.routerType === RouterType.SPLITTER || node.routerType === RouterType.ENSEMBLE) && o.condition !== undefined) {
        fail(this, `${prop}.condition`, o.condition, `has no effect in a ${node.routerType} node`, 'use conditions in Switch and Sequence nodes');
      }
      this.checkRouterReads(node.routerType, prop, i, o);
      return compact({
        name: o.name,
        ...this.target(step, prop, names),
        data: o.data?.expression,
        weight: o.weight,
        condition: o.condition,
        dependency: o.dependency,
        mapPredictionsToInstances: o.mapPredictionsToInstances || undefined,
      });
    });
    if (node.routerType === RouterType.SPLITTER) {
      const weights = node.steps.map((s) => s._options.weight as number);
      const sum = weights.reduce((a, b) => a + b, 0);
      if (sum !== 100) fail(this, `${at} weights`, weights, `add up to ${sum}`, 'make the weights of a Splitter add up to 100');
    }
    return json;
  }

  /**
   * Options KServe's router ignores in a node (v0.20.0 cmd/router/main.go,
   * routeStep): `data` and `mapPredictionsToInstances` are read by Sequence
   * nodes only, and only `$response` (on a step after the first) changes what
   * a step gets; `dependency` changes the answer in Sequence and Ensemble
   * nodes only. Set where it is ignored, an option would read as if it worked.
   */
  private checkRouterReads(type: RouterType, prop: string, index: number, o: GraphStepOptions): void {
    const data = o.data?.expression;
    if (data !== undefined && data !== StepData.REQUEST.expression && data !== StepData.RESPONSE.expression) {
      fail(this, `${prop}.data`, data, 'is not read by KServe\'s router, which only tells $response from the original request (the step would get the request)',
        'use StepData.RESPONSE in a Sequence, with mapPredictionsToInstances: true to pass the predictions to a V1 model');
    }
    if (data === StepData.RESPONSE.expression && type !== RouterType.SEQUENCE) {
      fail(this, `${prop}.data`, data, `has no effect in a ${type} node`, 'use StepData.RESPONSE in Sequence nodes only (other nodes send every step the request they get)');
    }
    if (data === StepData.RESPONSE.expression && index === 0) {
      fail(this, `${prop}.data`, data, 'has no previous response on the first step of a Sequence', 'drop it: the first step gets the request');
    }
    if (type === RouterType.SEQUENCE && index === 0 && o.condition !== undefined) {
      // The router tests a Sequence step's condition on the previous answer; before the first step there is none, and it answers 500.
      fail(this, `${prop}.condition`, o.condition, 'has no previous response to test on the first step of a Sequence (KServe\'s router answers 500)',
        'put the condition on a later step, or route with GraphNode.conditional(...)');
    }
    if (o.mapPredictionsToInstances && type !== RouterType.SEQUENCE) {
      fail(this, `${prop}.mapPredictionsToInstances`, true, `has no effect in a ${type} node`, 'use it in Sequence nodes only');
    }
    if (o.dependency !== undefined && (type === RouterType.SPLITTER || type === RouterType.SWITCH)) {
      fail(this, `${prop}.dependency`, o.dependency, `has no effect in a ${type} node (the chosen step's answer is the node's answer)`,
        'use dependency in Sequence and Ensemble nodes only');
    }
  }

  private target(step: GraphStep, prop: string, names: Map<GraphNode, string>): Record<string, string> {
    if (step._node) return { nodeName: names.get(step._node)! };
    if (step._url) return { serviceUrl: step._url };
    if (step._serviceName !== undefined) return { serviceName: step._serviceName };
    const model = step._model!;
    if (!isServedModelRef(model)) fail(this, prop, String(model), 'is not an IServedModel (it has no ServingPlatform)', 'pass the ServedModel construct to GraphStep.model');
    if (model.platform._compiler.capabilities.inferenceGraphMode === undefined) {
      fail(this, prop, model.node.path, `is a model on the "${model.platform.id}" platform; an InferenceGraph only resolves KServe InferenceServices`,
        'serve the model with ServingPlatform.kserve() or kserveStandard(), or call it with GraphStep.url(model.url + model.inferPath)');
    }
    if (model.namespace === this.namespace) return { serviceName: model.name };
    if (!step._crossNamespace) {
      fail(this, prop, model.node.path, `is in namespace "${model.namespace ?? '<default>'}", not the graph's "${this.namespace ?? '<default>'}"`,
        'put the model in the graph\'s namespace, or say so with GraphStep.model(model, { crossNamespace: true }) (the router then calls its URL)');
    }
    if (model.namespace === undefined) {
      fail(this, prop, model.node.path, 'has no namespace, so its URL from another namespace is unknown', 'set the model\'s namespace');
    }
    // What KServe itself resolves serviceName to: the predictor's inference path.
    return { serviceUrl: `${model.url}${model.inferPath}` };
  }

  /**
   * @internal What KServe creates for the router, named after the graph
   * (kserve pkg/controller/v1alpha1/inferencegraph: createKnativeService in
   * knative_reconciler.go, constructForRawDeployment in raw_ig.go).
   */
  public _derivedObjects(): DerivedObject[] {
    const ns = this.namespace;
    const name = this.name;
    return this.mode === GraphDeploymentMode.KNATIVE
      ? [
        { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: ns, name, createdBy: 'KServe (the graph router\'s Knative Service)' },
        { apiVersion: 'v1', kind: 'Service', namespace: ns, name, createdBy: 'Knative (the graph router\'s route Service)' },
      ]
      : [
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name, createdBy: 'KServe (the graph router\'s Deployment)' },
        { apiVersion: 'v1', kind: 'Service', namespace: ns, name, createdBy: 'KServe (the graph router\'s Service)' },
      ];
  }

  /** The router's service account name, from a cdk8s-plus service account in the graph's namespace. */
  private serviceAccountName(props: InferenceGraphProps): string | undefined {
    const legacy = (props as { serviceAccountName?: unknown }).serviceAccountName;
    if (legacy !== undefined) {
      // Renamed before 1.0; a plain-JavaScript caller would otherwise lose it without a word.
      fail(this, 'serviceAccountName', legacy, 'was replaced by serviceAccount',
        'use serviceAccount: ServiceAccount.fromServiceAccountName(scope, id, name) from cdk8s-plus-28');
    }
    const sa = props.serviceAccount;
    if (sa === undefined) return undefined;
    if (typeof sa.name !== 'string') {
      fail(this, 'serviceAccount', '<object>', 'is not a service account', 'use ServiceAccount.fromServiceAccountName(scope, id, name) or a ServiceAccount from cdk8s-plus-28');
    }
    checkDns1123Subdomain(this, 'serviceAccount.name', sa.name);
    const ns = sa instanceof ServiceAccount ? sa.metadata.namespace : undefined;
    if (ns !== undefined && ns !== this.namespace) {
      fail(this, 'serviceAccount', `${ns}/${sa.name}`, `is in namespace "${ns}", not the graph's "${this.namespace ?? '<default>'}"`,
        'a pod runs as a service account of its own namespace: create it in the graph\'s namespace');
    }
    return sa.name;
  }

  /**
   * The Knative revision timeout; Standard mode has no request timeout of its
   * own (KServe copies `timeout` only into the Knative revision:
   * v0.20.0 knative_reconciler.go, createKnativeService; raw_ig.go ignores it).
   */
  private timeoutSeconds(timeout: Duration | undefined): number | undefined {
    if (timeout !== undefined && this.mode === GraphDeploymentMode.STANDARD) {
      fail(this, 'timeout', timeout instanceof Duration ? timeout.toHumanString() : timeout, 'has no effect on a Standard-mode graph router (KServe sets it on Knative revisions only)',
        'use routerTimeouts (serverRead, serverWrite, serviceClient), or GraphDeploymentMode.KNATIVE');
    }
    // Knative's config-defaults max-revision-timeout-seconds (600 by default) caps a revision's timeoutSeconds.
    return seconds(this, 'timeout', timeout, 600, '1 second to 10 minutes (Knative\'s max-revision-timeout-seconds)');
  }

  /**
   * Steps that name an InferenceService the app itself declares lose what a
   * reference by object gives (the namespace check, the apply order), and a
   * renamed model would leave the graph calling a name that no longer exists.
   */
  private declaredByName(named: Array<{ serviceName: string; prop: string }>): string[] {
    const declared = new Map<string, ServedModel>();
    for (const c of this.node.root.node.findAll()) {
      if (c instanceof ServedModel && c.namespace === this.namespace) declared.set(c.name, c);
    }
    return named.filter((s) => declared.has(s.serviceName)).map((s) => new ModelServingError(this, s.prop, s.serviceName,
      `names the ServedModel "${declared.get(s.serviceName)!.node.path}" of this app`,
      'pass it by object: GraphStep.model(model); GraphStep.inferenceService is for InferenceServices the app does not declare').message);
  }

  private scalingFields(scaling: Scaling | undefined): Record<string, unknown> {
    if (!scaling) return {};
    const s = withScope(this, 'scaling', () => scaling._resolve());
    const metric = s.metric?.name;
    const allowed = this.mode === GraphDeploymentMode.KNATIVE ? ['concurrency', 'rps'] : ['cpu', 'memory'];
    if (metric !== undefined && !allowed.includes(metric)) {
      fail(this, 'scaling.metric', metric, `cannot scale a ${this.mode}-mode graph router`, `use ${allowed.join(' or ')}`);
    }
    if (s.target !== undefined && !Number.isInteger(s.target)) fail(this, 'scaling.target', s.target, 'is not a whole number', 'use a whole number');
    if (this.mode === GraphDeploymentMode.STANDARD) {
      if (s.minReplicas === 0) fail(this, 'scaling.minReplicas', 0, 'cannot scale a Standard-mode graph router to zero', 'use minReplicas >= 1, or GraphDeploymentMode.KNATIVE');
      const o = s.options;
      const knativeOnly = [o.initialScale, o.scaleDownDelay, o.window, o.targetUtilizationPercentage, o.scaleToZeroPodRetentionPeriod];
      if (knativeOnly.some((v) => v !== undefined)) {
        fail(this, 'scaling', 'Knative autoscaler options', 'only apply to Knative-mode graphs', 'drop them, or use GraphDeploymentMode.KNATIVE');
      }
    }
    return { minReplicas: s.minReplicas, maxReplicas: s.maxReplicas, scaleMetric: metric, scaleTarget: s.target };
  }

  private scalingAnnotations(scaling: Scaling | undefined): Record<string, string> {
    if (!scaling || this.mode !== GraphDeploymentMode.KNATIVE) return {};
    // KServe copies the graph's annotations onto the router's Knative revision.
    return sortedRecord(knativeAutoscalingAnnotations(withScope(this, 'scaling', () => scaling._resolve()).options)) ?? {};
  }
}

/**
 * A served model the graph can route to: any `IServedModel` (a ServedModel,
 * or another implementation) on a ServingPlatform, whose compiler says
 * whether KServe resolves it as an InferenceService. Plain JavaScript may
 * pass anything.
 */
function isServedModelRef(m: unknown): m is IServedModel {
  return typeof m === 'object' && m !== null && (m as IServedModel).platform instanceof ServingPlatform && typeof (m as IServedModel).name === 'string';
}

function seconds(scope: Construct, prop: string, d: Duration | undefined, max: number = 86400, range: string = '1 second to 1 day'): number | undefined {
  if (d === undefined) return undefined;
  if (!(d instanceof Duration)) fail(scope, prop, d, 'is not a Duration', 'use Duration.seconds(n) from cdk8s');
  return wholeSeconds(scope, prop, d, 1, max, range);
}

