import { IConstruct } from 'constructs';
import { fail } from '../internal/errors';

/**
 * Shapes of well-known credentials. A literal of this shape in an env value
 * would end up in Git, in CI logs and in every `kubectl get -o yaml`.
 */
const CREDENTIAL_SHAPES: Array<[string, RegExp]> = [
  ['an AWS access key id', /\b(AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['a Hugging Face token', /\bhf_[A-Za-z0-9]{30,}\b/],
  ['a GitHub token', /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['an OpenAI-style API key', /\bsk-[A-Za-z0-9_-]{20,}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
];

/** Env names that always carry a secret: their value must come from a Secret. */
const SECRET_NAME = /(^|_)(SECRET|SECRET_ACCESS_KEY|ACCESS_KEY|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIALS?)$/i;

/**
 * Rejects an env literal that is (or looks like) a credential: credentials
 * are only passed by reference (a Secret or a ServiceAccount).
 */
export function checkNoCredentialLiteral(scope: IConstruct, prop: string, name: string, value: string): void {
  const allowed = 'pass credentials by reference: envValues with EnvValue.fromSecretValue(...), or a serviceAccount with the secret attached';
  for (const [what, re] of CREDENTIAL_SHAPES) {
    if (re.test(value)) fail(scope, `${prop}["${name}"]`, '<redacted>', `looks like ${what} written as a literal`, allowed);
  }
  if (SECRET_NAME.test(name) && value !== '') {
    fail(scope, `${prop}["${name}"]`, '<redacted>', 'is a credential variable set to a literal', allowed);
  }
}
