import { ISecret, IServiceAccount } from 'cdk8s-plus-28';
import { checkNoCredential } from './credentials';
import { ErrorScope, fail } from '../internal/errors';
import { checkDns1123Subdomain } from '../internal/names';

/**
 * References to Secrets and ServiceAccounts are cdk8s-plus objects (an
 * `ISecret`, an `IServiceAccount`); only their names reach a manifest. A
 * caller without a type checker may still pass the bare name: that fails
 * here, naming the cdk8s-plus importer to use instead.
 */
function referencedName(scope: ErrorScope, prop: string, ref: { readonly name: string } | undefined, what: string, use: string): string | undefined {
  if (ref === undefined) return undefined;
  if (ref === null || typeof ref !== 'object' || typeof ref.name !== 'string') fail(scope, prop, ref, `is not a ${what}`, use);
  // A name is written into the manifest: a pasted token there is a leak like any other.
  checkNoCredential(scope, prop, ref.name);
  checkDns1123Subdomain(scope, prop, ref.name);
  return ref.name;
}

/** The name of a referenced Secret, checked; undefined when none is set. */
export function secretName(scope: ErrorScope, prop: string, secret: ISecret | undefined): string | undefined {
  return referencedName(scope, prop, secret, 'Secret', "use a cdk8s-plus Secret, e.g. Secret.fromSecretName(chart, 'creds', 'models-s3-credentials')");
}

/** The name of a referenced ServiceAccount, checked; undefined when none is set. */
export function serviceAccountName(scope: ErrorScope, prop: string, account: IServiceAccount | undefined): string | undefined {
  return referencedName(scope, prop, account, 'ServiceAccount',
    "use a cdk8s-plus ServiceAccount, e.g. ServiceAccount.fromServiceAccountName(chart, 'sa', 'model-reader')");
}
