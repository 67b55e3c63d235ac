import { ErrorScope, fail } from './errors';
import { BY_REFERENCE, credentialShape } from './secrets';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Longest name KServe accepts for an InferenceService in Knative mode: it
 * creates `{name}-predictor` (and `-transformer`, `-explainer`) Knative
 * Services, and Knative's tag routing adds `prev-` / `latest-` prefixes to
 * the 63-character DNS label of each route host.
 */
export const KSERVE_COMPONENT_SUFFIXES = ['-predictor', '-transformer', '-explainer'];
export const KNATIVE_TAG_PREFIXES = ['latest-', 'prev-'];
/** The longest of each list, for name budgets (and the strings themselves, for messages). */
export const LONGEST_KSERVE_COMPONENT_SUFFIX_TEXT = KSERVE_COMPONENT_SUFFIXES.reduce((a, b) => (b.length > a.length ? b : a));
export const LONGEST_KNATIVE_TAG_PREFIX_TEXT = KNATIVE_TAG_PREFIXES.reduce((a, b) => (b.length > a.length ? b : a));
export const LONGEST_KSERVE_COMPONENT_SUFFIX = Math.max(...KSERVE_COMPONENT_SUFFIXES.map((s) => s.length));
export const LONGEST_KNATIVE_TAG_PREFIX = Math.max(...KNATIVE_TAG_PREFIXES.map((p) => p.length));

/** Checks a DNS-1035 label (what KServe and Knative require of names). */
export function checkDns1035(scope: ErrorScope, prop: string, name: string, maxLength: number = 63, budget?: string): void {
  if (typeof name !== 'string' || !DNS1035.test(name)) {
    fail(scope, prop, name, 'is not a valid DNS-1035 label',
      'use lower-case letters, digits and "-", starting with a letter and ending with a letter or digit');
  }
  if (name.length > maxLength) {
    fail(scope, prop, name, `is ${name.length} characters long`, `use at most ${maxLength} characters${budget ? ` (${budget})` : ''}`);
  }
}

/** Checks a DNS-1123 label such as a namespace. */
export function checkDns1123Label(scope: ErrorScope, prop: string, name: string): void {
  if (typeof name !== 'string' || !DNS1123_LABEL.test(name) || name.length > 63) {
    fail(scope, prop, name, 'is not a valid DNS-1123 label',
      'use at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit');
  }
}

/** Checks a DNS-1123 subdomain such as a Secret or ServiceAccount name. */
export function checkDns1123Subdomain(scope: ErrorScope, prop: string, name: string): void {
  if (typeof name !== 'string' || !DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    fail(scope, prop, name, 'is not a valid DNS-1123 subdomain',
      'use at most 253 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit');
  }
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Checks a label or annotation key (`[prefix/]name`). */
export function checkQualifiedKey(scope: ErrorScope, prop: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (DNS1123_SUBDOMAIN.test(prefix) && prefix.length <= 253);
  if (!prefixOk || name.length > 63 || !LABEL_NAME.test(name)) {
    fail(scope, prop, key, 'is not a valid key', 'use an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" or "."');
  }
}

/** Checks a map of labels (keys and values). */
export function checkLabels(scope: ErrorScope, prop: string, labels: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    checkQualifiedKey(scope, `${prop} key`, k);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      fail(scope, `${prop}["${k}"]`, v, 'is not a valid label value', 'use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit');
    }
    checkNotCredential(scope, `${prop}["${k}"]`, v);
  }
}

/** Labels and annotations are readable by everyone who can list the object: no credential may be one. */
function checkNotCredential(scope: ErrorScope, prop: string, value: string): void {
  const what = credentialShape(value);
  if (what) fail(scope, prop, '<redacted>', `looks like ${what} written as a literal`, BY_REFERENCE);
}

/** Checks a map of annotations (keys only; values are free text). */
export function checkAnnotations(scope: ErrorScope, prop: string, annotations: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(annotations ?? {})) {
    checkQualifiedKey(scope, `${prop} key`, k);
    if (typeof v !== 'string') fail(scope, `${prop}["${k}"]`, v, 'is not a string', 'annotation values are strings');
    checkNotCredential(scope, `${prop}["${k}"]`, v);
  }
}

/**
 * Turns a construct id into a DNS-1035 name: lower-case, runs of other
 * characters become "-". The result is checked, not truncated: a silently
 * shortened name would break every URL the user has written down.
 */
export function nameFromId(id: string): string {
  // Most ids already are names; the global replaces cost more than the test, once per model of a fleet.
  if (DNS1123_LABEL.test(id)) return id;
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** An image reference: `<registry>/<repository>:<tag>` or `...@sha256:<digest>`. */
const IMAGE_REFERENCE = /^[a-z0-9]+([._\-/:@][A-Za-z0-9_.\-]+)*$/;

/** Rejects what the kubelet could not pull as written (and anything not a string). */
export function checkImage(scope: ErrorScope, prop: string, image: unknown): void {
  if (typeof image !== 'string' || !IMAGE_REFERENCE.test(image)) {
    fail(scope, prop, image, 'is not a valid image reference', 'use <registry>/<repository>:<tag> or @sha256:<digest>');
  }
  // A token pasted in place of an image is still a token: it would sit in the manifest and every pod spec.
  const what = credentialShape(image);
  if (what) fail(scope, prop, '<redacted>', `looks like ${what} written as a literal`, BY_REFERENCE);
}

/** Environment variable names the API server accepts (validation.IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function checkEnvName(scope: ErrorScope, prop: string, name: string): void {
  if (!ENV_NAME.test(name)) fail(scope, prop, name, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and ".", not starting with a digit');
}
