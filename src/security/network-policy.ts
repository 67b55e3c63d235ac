import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { InferenceGraph } from '../graph/inference-graph';
import { fail, invalidInstance, orInvalid, raiseIfInvalid, withScope } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { compact, sortedRecord } from '../internal/k8s';
import { standardLabels } from '../internal/labels';
import { checkDns1123Label, checkLabels } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { ServedModel } from '../model/served-model';
import { IServedModel } from '../model/served-model-ref';
import { gatewaySources, rolloutNetworkOf, RolloutTrafficSource, ServingPodSelector } from '../rollout/engines/engine';

/** Options for {@link NetworkPeer.pods}. */
export interface PodPeerOptions {
  /** Pod labels that must all match. */
  readonly labels: Record<string, string>;

  /**
   * The callers' namespace.
   *
   * @default - the model's own namespace
   */
  readonly namespace?: string;
}

/** Who may call a model. */
export class NetworkPeer {
  /**
   * Every pod in a namespace.
   *
   * @param name the namespace
   */
  public static namespace(name: string): NetworkPeer {
    return orInvalid(() => {
      checkDns1123Label('NetworkPeer.namespace', 'name', name);
      return new NetworkPeer({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } }, `namespace ${name}`);
    }, (e) => invalidInstance(NetworkPeer.prototype, e, ['_peer', 'description']));
  }

  /**
   * Pods with these labels, in the model's namespace or in `namespace`.
   *
   * @param options the pods' labels and, for callers elsewhere, their namespace
   */
  public static pods(options: PodPeerOptions): NetworkPeer {
    return orInvalid(() => {
      const { labels, namespace } = options ?? ({} as PodPeerOptions);
      checkLabels('NetworkPeer.pods', 'labels', labels);
      if (labels === undefined || labels === null || Object.keys(labels).length === 0) {
        fail('NetworkPeer.pods', 'labels', labels, 'is empty', 'name at least one label (use NetworkPeer.namespace for a whole namespace)');
      }
      if (namespace !== undefined) checkDns1123Label('NetworkPeer.pods', 'namespace', namespace);
      return new NetworkPeer(
        {
          podSelector: { matchLabels: sortedRecord(labels) },
          ...(namespace ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } : {}),
        },
        `pods ${JSON.stringify(labels)}`,
      );
    }, (e) => invalidInstance(NetworkPeer.prototype, e, ['_peer', 'description']));
  }

  private constructor(
    /** @internal the NetworkPolicyPeer JSON */
    public readonly _peer: Record<string, unknown>,
    /** A human description. */
    public readonly description: string,
  ) {}
}

/** Props of a {@link ModelNetworkPolicy}. */
export interface ModelNetworkPolicyProps {
  /**
   * The model to protect: a {@link ServedModel} of this app (the policy
   * selects its pods by the labels its platform writes; another
   * `IServedModel` implementation is a synth error).
   */
  readonly model: IServedModel;

  /**
   * The callers allowed in, besides the serving data path.
   *
   * @default - only the serving data path
   */
  readonly allowFrom?: NetworkPeer[];

  /**
   * Namespaces of the serving data path (ingress gateway, Knative activator)
   * that must reach the model for it to work at all.
   *
   * @default ['istio-system', 'knative-serving', 'kourier-system']
   */
  readonly servingNamespaces?: string[];
}

/**
 * A NetworkPolicy that admits only the named callers and the serving data
 * path to a model's pods: nothing else in the cluster can reach the model.
 *
 * The data path includes what the library itself routes through: the
 * namespace of each Gateway API Gateway of the model's `gateway` exposure (or
 * of a canary rollout's router), where Istio, kgateway, NGINX Gateway Fabric
 * and Envoy Gateway in its GatewayNamespace mode run the Gateway's proxies
 * (Envoy Gateway's default mode runs them in `envoy-gateway-system`: add that
 * namespace to `allowFrom`), a rollout's load tester, and the router pods of
 * each InferenceGraph of the app that calls the model. The policy selects
 * every pod that serves the model, also those a rollout engine adds (Flagger's
 * `<name>-primary` pods); it is computed at synth, so a `CanaryRollout`
 * declared after the policy counts.
 */
export class ModelNetworkPolicy extends Construct {
  /** The NetworkPolicy (escape hatch). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ModelNetworkPolicyProps) {
    super(scope, id);
    checkProps(this, props, {
      allowFrom: { listOf: NetworkPeer, use: 'NetworkPeer.namespace(name) or NetworkPeer.pods({ labels, namespace })' }, servingNamespaces: 'strings',
    }, [], '{ model, allowFrom?, servingNamespaces? }');
    const model = props.model;
    if (!(model instanceof ServedModel)) fail(this, 'model', model, 'is not a ServedModel', 'pass the ServedModel to protect');
    // Copies: the lists are read once, here.
    const servingNamespaces = [...(props.servingNamespaces ?? ['istio-system', 'knative-serving', 'kourier-system'])];
    const allowFrom = [...(props.allowFrom ?? [])];
    servingNamespaces.forEach((ns, i) => checkDns1123Label(this, `servingNamespaces[${i}]`, ns));
    allowFrom.forEach((p, i) => {
      if (!(p instanceof NetworkPeer)) fail(this, `allowFrom[${i}]`, p, 'is not a NetworkPeer', 'use NetworkPeer.namespace(...) or NetworkPeer.pods(...)');
      withScope(this, `allowFrom[${i}]`, () => raiseIfInvalid(p));
    });
    // An ingress rule with an empty `from` admits every source: the opposite of this construct.
    if (servingNamespaces.length === 0 && allowFrom.length === 0) {
      fail(this, 'servingNamespaces', [], 'and allowFrom name no caller, and a rule without sources would admit everyone',
        'name the gateway namespaces in servingNamespaces or the callers in allowFrom');
    }
    const declared = [
      ...servingNamespaces.map((ns) => NetworkPeer.namespace(ns)._peer),
      ...allowFrom.map((p) => p._peer),
    ];
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${model.name}-ingress`, namespace: model.namespace, labels: standardLabels(model.name, 'network-policy') },
      // At synth: a rollout or a Gateway route declared after the policy changes which pods serve and who calls them.
      spec: Lazy.any({ produce: () => this.renderSpec(model, declared) }),
    });
    ensureUniqueIdentities(this);
  }

  private renderSpec(model: ServedModel, declared: Array<Record<string, unknown>>): Record<string, unknown> {
    const modelPods = model.platform._compiler.podSelector?.(model._spec()) ?? { 'app.kubernetes.io/name': model.name };
    // A model has at most one rollout.
    const rollout = rolloutNetworkOf(model);
    const access = rollout?.access;
    const sources: RolloutTrafficSource[] = [];
    const gateway = model._gateway();
    if (gateway) sources.push(...gatewaySources(gateway.exposure, model.namespace));
    for (const graph of graphsOf(this.node.root, this)) {
      if (callsModel(graph, model)) {
        // KServe labels the router's pods with the graph's name (InferenceGraphLabel; raw_ig.go, knative_reconciler.go, v0.20.0).
        sources.push({ what: `InferenceGraph ${graph.name}`, namespace: graph.namespace, podLabels: { 'serving.kserve.io/inferencegraph': graph.name } });
      }
    }
    const pods: ServingPodSelector = access?.servingPods?.(modelPods) ?? { matchLabels: modelPods };
    for (const s of access?.sources ?? []) {
      if (s.unknown !== undefined) {
        fail(this, 'model', rollout!.scope.node.path, `is rolled out with ${s.what}, which the policy cannot admit: ${s.unknown}`,
          'give the load tester URL as http://<service>.<namespace>/, or drop the load test');
      }
      sources.push(s);
    }
    const peers: Array<Record<string, unknown>> = [];
    const seen = new Set<string>();
    for (const peer of [...declared, ...sources.map((s) => sourcePeer(s, model.namespace))]) {
      const key = JSON.stringify(peer);
      if (!seen.has(key)) peers.push(peer);
      seen.add(key);
    }
    return {
      podSelector: compact({
        matchLabels: sortedRecord(pods.matchLabels),
        matchExpressions: pods.matchExpressions?.map((e) => ({ key: e.key, operator: e.operator, values: [...e.values] })),
      }),
      policyTypes: ['Ingress'],
      ingress: [{ from: peers }],
    };
  }
}

/**
 * The InferenceGraphs of an app, found once per synth rather than once per
 * policy (a walk of the whole app each time is quadratic in a fleet). A
 * policy that asks again starts a new synth: the app is walked again, so a
 * graph added since counts. Synth is synchronous, and the list is dropped
 * when it returns.
 */
const GRAPHS = new WeakMap<IConstruct, { readonly graphs: InferenceGraph[]; readonly askedBy: Set<IConstruct> }>();
function graphsOf(root: IConstruct, policy: IConstruct): InferenceGraph[] {
  let entry = GRAPHS.get(root);
  if (!entry || entry.askedBy.has(policy)) {
    entry = { graphs: root.node.findAll().filter((c): c is InferenceGraph => c instanceof InferenceGraph), askedBy: new Set() };
    GRAPHS.set(root, entry);
    const stale = entry;
    queueMicrotask(() => {
      if (GRAPHS.get(root) === stale) GRAPHS.delete(root);
    });
  }
  entry.askedBy.add(policy);
  return entry.graphs;
}

/**
 * Whether a graph's router calls the model: a step names it (`serviceName`,
 * in the graph's namespace) or calls its URL (`serviceUrl`, across
 * namespaces), as the graph renders its steps.
 */
function callsModel(graph: InferenceGraph, model: ServedModel): boolean {
  const nodes: Record<string, { steps?: Array<{ serviceName?: string; serviceUrl?: string }> }> = graph.apiObject.toJson().spec?.nodes ?? {};
  return Object.values(nodes).some((n) => (n.steps ?? []).some((step) =>
    (step.serviceName === model.name && graph.namespace === model.namespace)
    || (step.serviceUrl !== undefined && (step.serviceUrl === model.url || step.serviceUrl.startsWith(`${model.url}/`)))));
}

/**
 * A NetworkPolicyPeer for a caller: its namespace (or the policy's own, where
 * a peer without `namespaceSelector` looks) and, if known, its pods' labels.
 */
function sourcePeer(s: RolloutTrafficSource, modelNamespace: string | undefined): Record<string, unknown> {
  const peer: Record<string, unknown> = { podSelector: s.podLabels ? { matchLabels: sortedRecord(s.podLabels) } : {} };
  if (s.namespace !== undefined && s.namespace !== modelNamespace) {
    return s.podLabels
      ? { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.namespace } }, ...peer }
      : { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': s.namespace } } };
  }
  return peer;
}
