/**
 * Credential detection shared by input checks and error messages: an error
 * must never print the secret it rejects.
 */

/**
 * Shapes of well-known credentials. A literal of one of these shapes in an
 * env value, an argument, a label, an annotation or a storage URI would end
 * up in Git, in CI logs and in every `kubectl get -o yaml`.
 */
export const CREDENTIAL_SHAPES: Array<[string, RegExp]> = [
  ['an AWS access key id', /(?<![A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}(?![0-9A-Z])/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['a Google OAuth token', /\bya29\.[0-9A-Za-z_-]{20,}/],
  ['a Hugging Face token', /\bhf_[A-Za-z0-9]{30,}\b/],
  ['a GitHub token', /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}\b/],
  ['a GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ['a Slack token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['an Anthropic API key', /\bsk-ant-[A-Za-z0-9_-]{20,}/],
  ['an OpenAI-style API key', /\bsk-[A-Za-z0-9_-]{20,}/],
  ['a Stripe key', /\b[rs]k_(live|test)_[A-Za-z0-9]{16,}\b/],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a JSON web token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  // Azure Storage / Service Bus / Event Hubs connection strings and SAS tokens.
  // The delimiters before a secret are lookbehinds, not part of the match: redactSecrets replaces
  // the match only, so the quote or `;` in front of the secret stays in the message. A quote also
  // starts a key: in a message the value is quoted (`"AccountKey=..."`).
  ['an Azure account key', /(?<=^|[;"\s])\s*AccountKey\s*=\s*[^;\s"]+/i],
  ['an Azure shared access key', /(?<=^|[;"\s])\s*SharedAccessKey\s*=\s*[^;\s"]+/i],
  ['an Azure SAS signature', /(?<=[?&;])sig=[A-Za-z0-9%+/=]{16,}/],
  // ADO.NET / JDBC / ODBC connection strings.
  ['a connection string with a password', /(?<=^|[;"\s])\s*(Password|Pwd)\s*=\s*[^;\s"]+/i],
  // scheme://user:password@host (database URLs, HTTP basic auth, broker URLs).
  ['a URL with a password', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i],
];

/** Every shape in one expression: most values match none, and one test is cheaper than twenty (a fleet has thousands of values). */
const ANY_SHAPE = new RegExp(CREDENTIAL_SHAPES.map(([, re]) => `(?:${re.source})`).join('|'), 'i');

/** Which credential shape `value` has, if any ("an AWS access key id", ...). */
export function credentialShape(value: string): string | undefined {
  if (typeof value !== 'string' || value.length < 8 || !ANY_SHAPE.test(value)) return undefined;
  for (const [what, re] of CREDENTIAL_SHAPES) {
    if (re.test(value)) return what;
  }
  return undefined;
}

const GLOBAL_SHAPES = CREDENTIAL_SHAPES.map(([, re]) => new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`));
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"]*@(?!sha256:)/gi;

/** `text` with every credential-shaped part replaced by `<redacted>`. */
export function redactSecrets(text: string): string {
  let out = text.replace(USERINFO, '$1<redacted>@');
  for (const re of GLOBAL_SHAPES) out = out.replace(re, '<redacted>');
  return out;
}

/** Where a credential belongs instead of a literal, for error messages. */
export const BY_REFERENCE = 'pass credentials by reference: EnvValue.fromSecretValue(...) in envVariables, or a serviceAccount with the secret attached';
