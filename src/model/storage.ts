import { IPersistentVolumeClaim } from 'cdk8s-plus-28';
import { checkNonEmpty, fail, ModelServingError, orInvalid } from '../internal/errors';
import { checkDns1123Subdomain } from '../internal/names';
import { credentialShape } from '../internal/secrets';

/** Where the model files live; engine-neutral, resolved by every platform. */
export interface ResolvedStorage {
  /** The full URI (`s3://...`, `pvc://claim/path`, ...). */
  readonly uri: string;
  /** The scheme without `://`, e.g. `s3`. */
  readonly scheme: string;
  /** For `pvc://` storage: the claim and the path inside it. */
  readonly pvc?: { readonly claimName: string; readonly path: string };
  /** For `oci://` storage: the image that carries the model (KServe modelcar). */
  readonly ociImage?: string;
  /**
   * True for a scheme KServe's built-in storage initializer does not read: a
   * ClusterStorageContainer (KServe) or the platform's own initializer image must serve it.
   */
  readonly customScheme?: boolean;
}

/**
 * URI schemes KServe's storage initializer understands. Azure Blob and
 * generic HTTP(S) share the `https://` scheme.
 */
const SCHEMES = ['s3', 'gs', 'https', 'http', 'pvc', 'hf', 'oci', 'hdfs', 'webhdfs'];

/** Options for {@link ModelStorage.fromS3}. */
export interface S3StorageOptions {
  /** The bucket. */
  readonly bucket: string;
  /** The object key or prefix. */
  readonly key: string;
}

/** Options for {@link ModelStorage.fromGcs}. */
export interface GcsStorageOptions {
  /** The bucket. */
  readonly bucket: string;
  /** The object or prefix. */
  readonly path: string;
}

/** Options for {@link ModelStorage.fromAzureBlob}. */
export interface AzureBlobStorageOptions {
  /** The storage account. */
  readonly account: string;
  /** The blob container. */
  readonly container: string;
  /** The blob or prefix. */
  readonly path: string;
}

/**
 * Options for {@link ModelStorage.fromPersistentVolumeClaim}: the claim (a
 * cdk8s-plus object, or its name) and the path inside it.
 */
export interface PersistentVolumeClaimStorageOptions {
  /**
   * The claim, a cdk8s-plus object in the model's namespace. Set this or `claimName`.
   * @default - `claimName` names the claim
   */
  readonly claim?: IPersistentVolumeClaim;
  /**
   * The claim's name, in the model's namespace. Set this or `claim`.
   * @default - `claim` is the claim
   */
  readonly claimName?: string;
  /** The path inside the claim. */
  readonly path: string;
}

/** Options for {@link ModelStorage.fromCustomScheme}. */
export interface CustomSchemeStorageOptions {
  /**
   * The storage URI, `<scheme>://<location>`, with a scheme that a
   * ClusterStorageContainer of the cluster serves (e.g. `model-registry://iris/v1`).
   */
  readonly uri: string;
}

/** Options for {@link ModelStorage.fromHuggingFace}. */
export interface HuggingFaceStorageOptions {
  /**
   * A branch, tag or commit to pin (pin it in production).
   * @default - the repository's default branch, whatever it holds at download time
   */
  readonly revision?: string;
}

/**
 * Where a model's files are stored. Use the typed factories where you can:
 * they check the pieces of the URI as you write them.
 *
 * Bad input does not throw from the factory: the error is raised where a
 * construct uses the value, after the construct's path and prop
 * (`fleet/fraud-17: storage ModelStorage.fromS3: ...`), so a fleet built in a loop
 * says which model it is about.
 *
 * @example
 * ModelStorage.fromUri('s3://models/fraud/v7');
 * ModelStorage.fromS3({ bucket: 'models', key: 'fraud/v7' });
 * ModelStorage.fromHuggingFace('meta-llama/Llama-3.1-8B-Instruct', { revision: 'main' });
 */
export class ModelStorage {
  /**
   * Any URI KServe's storage initializer accepts: `s3://`, `gs://`,
   * `https://` (also Azure Blob), `http://`, `pvc://`, `hf://`, `oci://`,
   * `hdfs://`, `webhdfs://`.
   * @param uri the storage URI
   */
  public static fromUri(uri: string): ModelStorage {
    return orInvalid(() => {
      return new ModelStorage(parseUri('ModelStorage.fromUri', uri));
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * An object or prefix in an S3 (or S3-compatible) bucket.
   *
   * @param options the bucket and the key
   */
  public static fromS3(options: S3StorageOptions): ModelStorage {
    return orInvalid(() => {
      checkBucket('ModelStorage.fromS3', options?.bucket);
      return ModelStorage.fromUri(`s3://${options.bucket}/${trimSlashes('ModelStorage.fromS3', 'key', options.key)}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * An object or prefix in a Google Cloud Storage bucket.
   *
   * @param options the bucket and the path
   */
  public static fromGcs(options: GcsStorageOptions): ModelStorage {
    return orInvalid(() => {
      checkBucket('ModelStorage.fromGcs', options?.bucket, true);
      return ModelStorage.fromUri(`gs://${options.bucket}/${trimSlashes('ModelStorage.fromGcs', 'path', options.path)}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * A blob or prefix in Azure Blob Storage.
   *
   * @param options the account, the container and the path
   */
  public static fromAzureBlob(options: AzureBlobStorageOptions): ModelStorage {
    return orInvalid(() => {
      const { account, container, path } = options ?? ({} as AzureBlobStorageOptions);
      if (!/^[a-z0-9]{3,24}$/.test(account ?? '')) {
        fail('ModelStorage.fromAzureBlob', 'account', account, 'is not a valid storage account name', 'use 3 to 24 lower-case letters and digits');
      }
      if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(container ?? '')) {
        fail('ModelStorage.fromAzureBlob', 'container', container, 'is not a valid container name', 'use 3 to 63 lower-case letters, digits and single hyphens');
      }
      return ModelStorage.fromUri(`https://${account}.blob.core.windows.net/${container}/${trimSlashes('ModelStorage.fromAzureBlob', 'path', path)}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * A path inside a PersistentVolumeClaim in the model's namespace, mounted
   * read-only. Name the claim by a cdk8s-plus object (`claim`) or by its name
   * (`claimName`), not both.
   *
   * @param options the claim and the path inside it
   */
  public static fromPersistentVolumeClaim(options: PersistentVolumeClaimStorageOptions): ModelStorage {
    return orInvalid(() => {
      const scope = 'ModelStorage.fromPersistentVolumeClaim';
      const { claim, claimName, path } = options ?? ({} as PersistentVolumeClaimStorageOptions);
      if ((claim === undefined) === (claimName === undefined)) {
        fail(scope, 'claimName', claimName, claim ? 'is set together with claim' : 'is missing', 'set exactly one of claim (a cdk8s-plus PersistentVolumeClaim) and claimName');
      }
      const name = claim ? claim.name : claimName!;
      checkDns1123Subdomain(scope, claim ? 'claim' : 'claimName', name);
      return ModelStorage.fromUri(`pvc://${name}/${trimSlashes(scope, 'path', path)}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * A Hugging Face Hub repository, e.g. `meta-llama/Llama-3.1-8B-Instruct`.
   *
   * @param repo `owner/name`
   * @param options the revision to pin
   */
  public static fromHuggingFace(repo: string, options: HuggingFaceStorageOptions = {}): ModelStorage {
    return orInvalid(() => {
      const scope = 'ModelStorage.fromHuggingFace';
      const revision = options?.revision;
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(repo ?? '')) {
        fail(scope, 'repo', repo, 'is not a Hugging Face repository id', 'use "owner/name"');
      }
      checkNonEmpty(scope, 'revision', revision);
      if (revision !== undefined && /[\s:]/.test(revision)) {
        fail(scope, 'revision', revision, 'is not a valid revision', 'use a branch, tag or commit without spaces or ":"');
      }
      return ModelStorage.fromUri(`hf://${repo}${revision ? `:${revision}` : ''}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * An OCI image that carries the model files (KServe "modelcar").
   *
   * @param image the image reference, without `oci://`
   */
  public static fromOci(image: string): ModelStorage {
    return orInvalid(() => {
      return ModelStorage.fromUri(`oci://${image}`);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * A file or archive over HTTPS (`.zip`, `.tar.gz` are unpacked).
   *
   * @param url the https:// URL
   */
  public static fromHttps(url: string): ModelStorage {
    return orInvalid(() => {
      if (!/^https:\/\//.test(url ?? '')) {
        fail('ModelStorage.fromHttps', 'url', url, 'is not an https:// URL', 'use an https:// URL');
      }
      return ModelStorage.fromUri(url);
    }, (e) => ModelStorage._invalid(e));
  }

  /**
   * A URI whose scheme KServe's built-in storage initializer does not read,
   * served by a storage container of your own: on KServe a
   * `ClusterStorageContainer` whose `supportedUriFormats` match the URI (KServe's
   * webhook admits the InferenceService only then, `ValidateStorageURI` in
   * `pkg/controller/v1beta1/inferenceservice/utils/utils.go`); on the other
   * platforms a `storageInitializerImage` that downloads it.
   *
   * Use `fromUri` for the built-in schemes: this factory refuses them, so a
   * typo in `s3://` is not taken for a custom scheme.
   *
   * @param options the URI
   * @example
   * ModelStorage.fromCustomScheme({ uri: 'model-registry://iris/v1' });
   */
  public static fromCustomScheme(options: CustomSchemeStorageOptions): ModelStorage {
    return orInvalid(() => {
      const scope = 'ModelStorage.fromCustomScheme';
      const uri = options?.uri;
      checkCredentialFree(scope, uri);
      const m = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/.exec(uri);
      if (!m) fail(scope, 'uri', uri, 'is not a storage URI', 'use <scheme>://<location> with a scheme of your ClusterStorageContainer');
      const [, scheme, rest] = m;
      if (SCHEMES.includes(scheme)) {
        fail(scope, 'uri', uri, `uses the built-in scheme ${scheme}://`, 'use ModelStorage.fromUri (or a typed factory) for it; fromCustomScheme is for schemes a ClusterStorageContainer serves');
      }
      if (/\s/.test(rest)) fail(scope, 'uri', uri, 'contains whitespace', 'percent-encode spaces in storage URIs');
      return new ModelStorage({ uri, scheme, customScheme: true });
    }, (e) => ModelStorage._invalid(e));
  }

  /** @internal a storage whose factory failed: the error is raised where a model uses it. */
  public static _invalid(error: ModelServingError): ModelStorage {
    return new ModelStorage(undefined, error);
  }

  private constructor(private readonly resolved: ResolvedStorage | undefined, private readonly invalid?: ModelServingError) {}

  /** The storage URI as KServe's `storageUri` takes it. */
  public get uri(): string {
    return this._resolve().uri;
  }

  /** The URI scheme, e.g. `s3`, `gs`, `pvc`, `hf`. */
  public get scheme(): string {
    return this._resolve().scheme;
  }

  /** @internal the resolved storage; raises the factory's error for an invalid one. */
  public _resolve(): ResolvedStorage {
    if (this.invalid) throw this.invalid;
    return this.resolved!;
  }
}

function checkBucket(scope: string, bucket: string, underscore: boolean = false): void {
  // GCS bucket names may contain "_" (https://cloud.google.com/storage/docs/buckets#naming); S3 names may not.
  const re = underscore ? /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/ : /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
  if (typeof bucket !== 'string' || !re.test(bucket)) {
    fail(scope, 'bucket', bucket, 'is not a valid bucket name', `use 3 to 63 lower-case letters, digits, "."${underscore ? ', "_"' : ''} and "-"`);
  }
}

function trimSlashes(scope: string, prop: string, path: string): string {
  // Index scans rather than an anchored global regex and a split: this runs for every model of a fleet.
  const raw = typeof path === 'string' ? path : '';
  let start = 0;
  let end = raw.length;
  while (start < end && raw.charCodeAt(start) === 47) start++;
  while (end > start && raw.charCodeAt(end - 1) === 47) end--;
  const p = raw.slice(start, end);
  if (p === '' || /\s/.test(p) || `/${p}/`.includes('/../')) {
    fail(scope, prop, path, 'is not a valid object path', 'use a non-empty path without spaces or ".." segments');
  }
  return p;
}

const SECRET_BACKED = 'keep credentials out of the URI: attach a Secret to the serviceAccount (KServe), or use the platform\'s storageCredentialsSecret';

function checkCredentialFree(scope: string, uri: string): void {
  if (typeof uri !== 'string') fail(scope, 'uri', uri, 'is not a string', 'use <scheme>://<location>');
  // Checked first: every later message prints the URI, and CI logs keep it.
  const userInfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@(?!sha256:)/i.exec(uri);
  if (userInfo) fail(scope, 'uri', `${userInfo[1]}<redacted>@${uri.slice(userInfo[0].length)}`, 'carries credentials in its user information', SECRET_BACKED);
  const shape = credentialShape(uri);
  if (shape) fail(scope, 'uri', '<redacted>', `contains ${shape}`, SECRET_BACKED);
}

function parseUri(scope: string, uri: string): ResolvedStorage {
  checkCredentialFree(scope, uri);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.+)$/.exec(uri ?? '');
  if (!m) fail(scope, 'uri', uri, 'is not a storage URI', `use <scheme>://<location> with one of the schemes ${SCHEMES.join(', ')}`);
  const [, scheme, rest] = m;
  if (!SCHEMES.includes(scheme)) {
    fail(scope, 'uri', uri, `has an unknown storage scheme "${scheme}"`, `use one of ${SCHEMES.map((s) => `${s}://`).join(', ')}, or ModelStorage.fromCustomScheme for a scheme a ClusterStorageContainer serves`);
  }
  if (/\s/.test(rest)) fail(scope, 'uri', uri, 'contains whitespace', 'percent-encode spaces in storage URIs');
  if (scheme === 'pvc') {
    const pm = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)(\/(.*))?$/.exec(rest);
    if (!pm) fail(scope, 'uri', uri, 'does not name a valid PersistentVolumeClaim', 'use pvc://<claim-name>/<path>');
    const path = (pm[4] ?? '').replace(/\/+$/, '');
    // The path becomes the volume mount's subPath: the kubelet rejects ".." and absolute subPaths,
    // and "." or empty segments name the claim's root by another spelling.
    if (path !== '' && path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
      fail(scope, 'uri', uri, 'has an empty, "." or ".." path segment or an absolute path', 'use pvc://<claim-name>/<path inside the claim>');
    }
    return { uri, scheme, pvc: { claimName: pm[1], path } };
  }
  if ((scheme === 's3' || scheme === 'gs') && !/^[a-z0-9][a-z0-9._-]*[a-z0-9](\/.*)?$/.test(rest)) {
    fail(scope, 'uri', uri, 'does not start with a valid bucket name', `use ${scheme}://<bucket>/<path>`);
  }
  if (scheme === 'oci' && !/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})?$/.test(rest)) {
    fail(scope, 'uri', uri, 'is not a valid OCI image reference', 'use oci://<registry>/<repository>[:tag|@sha256:digest]');
  }
  return { uri, scheme, ociImage: scheme === 'oci' ? rest : undefined };
}
