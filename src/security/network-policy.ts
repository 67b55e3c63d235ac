import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { fail, invalidInstance, orInvalid, raiseIfInvalid, withScope } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { sortedRecord } from '../internal/k8s';
import { standardLabels } from '../internal/labels';
import { checkDns1123Label, checkLabels } from '../internal/names';
import { checkProps } from '../internal/prop-types';
import { ServedModel } from '../model/served-model';
import { IServedModel } from '../model/served-model-ref';

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
   * The callers allowed in, besides the serving gateway.
   *
   * @default - only the serving gateway
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
    const peers = [
      ...servingNamespaces.map((ns) => NetworkPeer.namespace(ns)._peer),
      ...allowFrom.map((p) => p._peer),
    ];
    const podSelector = model.platform._compiler.podSelector?.(model._spec()) ?? { 'app.kubernetes.io/name': model.name };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${model.name}-ingress`, namespace: model.namespace, labels: standardLabels(model.name, 'network-policy') },
      spec: {
        podSelector: { matchLabels: sortedRecord(podSelector) },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers }],
      },
    });
    ensureUniqueIdentities(this);
  }
}
