import { IConstruct } from 'constructs';
import { MODEL_DIR } from './model-server-images';
import { fail } from '../internal/errors';
import { compact, Container, Volume, VolumeMount } from '../internal/k8s';
import { ModelSpec } from '../model/model-spec';

/** KServe's storage initializer: it understands every ModelStorage scheme (s3, gs, https, hf, ...). */
export const DEFAULT_STORAGE_INITIALIZER_IMAGE = 'kserve/storage-initializer:v0.16.0';
/** The volume that holds the model files. */
export const MODEL_VOLUME = 'model-store';
/** The init container that fetches the model. */
export const STORAGE_INITIALIZER = 'storage-initializer';

/** Platform options of the model download. */
export interface DownloadOptions {
  readonly storageInitializerImage?: string;
  /** The name of the Secret whose keys become the initializer's environment (AWS_ACCESS_KEY_ID, HF_TOKEN, ...). */
  readonly storageCredentialsSecret?: string;
  /** Size limit of the model volume, as a quantity. */
  readonly modelStoreSizeLimit?: string;
}

/** What a model's download adds to its pod. */
export interface ModelDownload {
  readonly initContainers: Container[];
  readonly volumes: Volume[];
  /** Mounts of the model server container. */
  readonly serverMounts: VolumeMount[];
}

// The initializer only needs a little CPU; memory is bounded by its own
// streaming copy (KServe injects the same requests and limits).
const INITIALIZER_RESOURCES = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '100m', memory: '100Mi' } };

/** Rejects download options that cannot apply to the spec's storage. */
export function checkDownload(scope: IConstruct, spec: ModelSpec, options: DownloadOptions, platform: string): void {
  const scheme = spec.storage?.scheme;
  if (options.storageCredentialsSecret !== undefined && (scheme === undefined || scheme === 'pvc' || scheme === 'oci')) {
    fail(scope, 'storageCredentials', options.storageCredentialsSecret,
      `has nothing to authenticate on ${platform}: ${scheme ? `${scheme}:// storage is not downloaded by the storage initializer` : 'the model has no storage'}`,
      'drop it (pull secrets for oci:// images belong to the service account)');
  }
  if (options.modelStoreSizeLimit !== undefined && (scheme === undefined || scheme === 'pvc')) {
    fail(scope, 'modelStoreSizeLimit', options.modelStoreSizeLimit,
      `has no effect on ${platform}: ${scheme ? 'pvc:// storage is mounted, not downloaded into the model store' : 'the model has no storage to download'}`,
      'drop it (size the PersistentVolumeClaim instead), or use object storage');
  }
  if (spec.storage?.customScheme && options.storageInitializerImage === undefined) {
    fail(scope, 'storage', spec.storage.uri,
      `uses the custom scheme ${spec.storage.scheme}://, which the default storage initializer (${DEFAULT_STORAGE_INITIALIZER_IMAGE}) cannot download on ${platform}`,
      `set the platform's storageInitializerImage to an image that reads ${spec.storage.scheme}:// (it gets the URI and ${MODEL_DIR} as arguments), or serve on KServe with a ClusterStorageContainer`);
  }
  if (spec.format && !spec.storage) {
    fail(scope, 'storage', undefined, `is required to serve format "${spec.format.name}" on ${platform} (the model server reads ${MODEL_DIR})`,
      'give storage, or drop format and give a server that bakes in its model');
  }
}

/**
 * The init container and volumes that put the model at /mnt/models: KServe's
 * storage initializer into an emptyDir, a PVC mounted directly (read-only), or
 * an OCI "modelcar" image whose `/models` is copied by an init container
 * running that image (KServe's modelcar contract: files under /models and a shell).
 */
export function modelDownload(spec: ModelSpec, options: DownloadOptions): ModelDownload {
  const storage = spec.storage;
  if (!storage) return { initContainers: [], volumes: [], serverMounts: [] };
  if (storage.pvc) {
    return {
      initContainers: [],
      volumes: [{ name: MODEL_VOLUME, persistentVolumeClaim: { claimName: storage.pvc.claimName, readOnly: true } }],
      serverMounts: [compact({ name: MODEL_VOLUME, mountPath: MODEL_DIR, readOnly: true, subPath: storage.pvc.path || undefined })],
    };
  }
  const volume: Volume = { name: MODEL_VOLUME, emptyDir: options.modelStoreSizeLimit ? { sizeLimit: options.modelStoreSizeLimit } : {} };
  const writeMount: VolumeMount = { name: MODEL_VOLUME, mountPath: MODEL_DIR };
  const security = { ...spec.securityContext, runAsUser: spec.securityContext.runAsUser ?? 1000 };
  const init: Container = storage.ociImage
    ? {
      name: STORAGE_INITIALIZER,
      image: storage.ociImage,
      command: ['sh', '-c', `cp -R /models/. ${MODEL_DIR}/`],
      resources: INITIALIZER_RESOURCES,
      securityContext: security,
      volumeMounts: [writeMount],
    }
    : compact({
      name: STORAGE_INITIALIZER,
      image: options.storageInitializerImage ?? DEFAULT_STORAGE_INITIALIZER_IMAGE,
      args: [storage.uri, MODEL_DIR],
      envFrom: options.storageCredentialsSecret ? [{ secretRef: { name: options.storageCredentialsSecret } }] : undefined,
      resources: INITIALIZER_RESOURCES,
      securityContext: security,
      volumeMounts: [writeMount],
    });
  return {
    initContainers: [init],
    volumes: [volume],
    serverMounts: [{ name: MODEL_VOLUME, mountPath: MODEL_DIR, readOnly: true }],
  };
}
