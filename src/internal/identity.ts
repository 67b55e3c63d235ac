import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ModelServingError } from './errors';

/** An object a construct emits, or one an engine creates from what it emits. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** An object an engine (KServe, Knative) creates from a document, e.g. the Service a Knative Service gets. */
export interface DerivedObject extends ObjectIdentity {
  /** Who creates it, for messages (e.g. "KServe (ExternalName Service of the InferenceService)"). */
  readonly createdBy: string;
}

/**
 * Constructs that know what the engines will create from their documents:
 * equal objects on every call, until {@link derivedObjectsChanged}.
 */
interface HasDerivedObjects {
  _derivedObjects(): DerivedObject[];
}

function hasDerived(c: IConstruct): c is IConstruct & HasDerivedObjects {
  return typeof (c as any)._derivedObjects === 'function';
}

/**
 * Object identity as the API server sees it: API group (not version: the
 * same object is served at every version of its group), kind, namespace,
 * name. No namespace means "the namespace kubectl applies to": two such
 * objects of one name land on each other too.
 */
function key(o: ObjectIdentity): string {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? o.apiVersion.slice(0, slash) : '';
  return `${group}|${o.kind}|${o.namespace ?? ''}|${o.name}`;
}

function describe(o: ObjectIdentity): string {
  return `${o.apiVersion} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

const registered = new WeakSet<IConstruct>();

/** Per app: bumped when a construct's derived objects may have changed (see {@link derivedObjectsChanged}). */
const derivedVersions = new WeakMap<IConstruct, number>();

/**
 * Says that the objects a construct of `scope`'s app derives may have
 * changed (a model's spec changed). Derivers return the same objects
 * otherwise: the app's check keeps its result while the tree is the same.
 */
export function derivedObjectsChanged(scope: IConstruct): void {
  const root = scope.node.root;
  derivedVersions.set(root, (derivedVersions.get(root) ?? 0) + 1);
}

/**
 * Kinds the library emits that are cluster-scoped (their CRDs' `scope: Cluster`):
 * two of one name collide across namespaces, whatever namespace their charts have.
 */
const CLUSTER_SCOPED_KINDS = new Set(['ClusterServingRuntime', 'LocalModelCache', 'LocalModelNodeGroup', 'ClusterStorageContainer', 'Namespace']);

/**
 * Makes the app check, at synth, that no two documents (and no document and
 * an object an engine derives from another) share apiVersion group, kind,
 * namespace and name: at apply, one would silently replace the other.
 * Registered once per app, by every construct of the library.
 */
export function ensureUniqueIdentities(scope: IConstruct): void {
  const root = scope.node.root;
  if (registered.has(root)) return;
  registered.add(root);
  let last: Checked | undefined;
  root.node.addValidation({
    validate: () => {
      // cdk8s validates the whole app once per chart it synthesizes: the same
      // constructs deriving the same objects have the same collisions.
      const version = derivedVersions.get(root) ?? 0;
      if (last === undefined || last.version !== version || !sameTree(last.nodes, root)) last = check(root.node.findAll(), version);
      return last.errors;
    },
  });
}

/** One run of the check: its inputs (the constructs, the version of what they derive) and its result. */
interface Checked {
  readonly nodes: IConstruct[];
  readonly version: number;
  readonly errors: string[];
}

/**
 * Whether the tree under `root` is made of these constructs in this order
 * (a document's identity never changes). Compared while walked (the order
 * of `findAll()`, pre-order), without collecting it again: the app asks
 * once per chart it synthesizes.
 */
function sameTree(nodes: readonly IConstruct[], root: IConstruct): boolean {
  let i = 0;
  // Indexed loops: the walk runs once per chart, mostly before V8 optimizes it.
  const same = (c: IConstruct): boolean => {
    if (nodes[i++] !== c) return false;
    const children = c.node.children;
    for (let k = 0; k < children.length; k++) if (!same(children[k])) return false;
    return true;
  };
  return same(root) && i === nodes.length;
}

/** The collisions in the app under `root`, one message each. */
export function identityErrors(root: IConstruct): string[] {
  return check(root.node.findAll(), 0).errors;
}

function check(nodes: IConstruct[], version: number): Checked {
  // Constructs, not paths, are kept: a path is computed by walking up the tree, and is only needed for a message.
  const seen = new Map<string, { owner: IConstruct; derived?: DerivedObject }>();
  const errors: string[] = [];
  const derived: Array<[IConstruct & HasDerivedObjects, DerivedObject[]]> = [];
  // Emitted documents first: a collision names the document, then what an engine would create.
  for (const c of nodes) {
    if (c instanceof ApiObject) {
      // A cluster-scoped kind has no namespace, whatever the chart's (withoutNamespace drops it from the output).
      const namespace = CLUSTER_SCOPED_KINDS.has(c.kind) ? undefined : c.metadata.namespace;
      const o: ObjectIdentity = { apiVersion: c.apiVersion, kind: c.kind, namespace, name: c.name };
      const k = key(o);
      const first = seen.get(k);
      if (first) {
        errors.push(new ModelServingError(c, 'metadata.name', o.name,
          `gives a second ${describe(o)}: ${first.owner.node.path} emits the same object, and at apply one replaces the other`,
          'give one of them another name or namespace').message);
      } else {
        seen.set(k, { owner: c });
      }
    } else if (hasDerived(c)) {
      derived.push([c, c._derivedObjects()]);
    }
  }
  for (const [c, list] of derived) {
    for (const d of list) {
      const k = key(d);
      const first = seen.get(k);
      if (first === undefined) {
        seen.set(k, { owner: c, derived: d });
      } else if (first.owner !== c && !isUnder(first.owner, c)) {
        const other = first.derived
          ? `${first.owner.node.path} makes ${first.derived.createdBy} create the same object`
          : `${first.owner.node.path} emits the same object`;
        errors.push(new ModelServingError(c, 'name', d.name, `makes ${d.createdBy} create ${describe(d)}, but ${other}`,
          'give one of them another name or namespace').message);
      }
    }
  }
  return { nodes, version, errors };
}

/** Whether `c` is `scope` or inside it. */
function isUnder(c: IConstruct, scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = c; s !== undefined; s = s.node.scope) if (s === scope) return true;
  return false;
}
