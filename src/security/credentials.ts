import { ErrorScope, fail } from '../internal/errors';
import { BY_REFERENCE, credentialShape } from '../internal/secrets';

export { credentialShape };

/** Env names that always carry a secret: their value must come from a Secret. */
const SECRET_NAME = /(^|_)(SECRET|SECRET_ACCESS_KEY|ACCESS_KEY|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|CREDENTIALS?|CONNECTION_STRING)$/i;

/**
 * Command-line flags that carry a secret as their value
 * (`--api-key=...`, `--hf-token X`, `--password ...`).
 */
const SECRET_FLAG = /^--?([a-z0-9]+[-_])*(api[-_]?key|token|access[-_]?token|auth[-_]?token|hf[-_]token|password|passwd|secret|secret[-_]key|private[-_]key|access[-_]key|credentials?|connection[-_]string)$/i;


/**
 * Rejects an env literal that is (or looks like) a credential: credentials
 * are only passed by reference (a Secret or a ServiceAccount). The message
 * never carries the value.
 */
export function checkNoCredentialLiteral(scope: ErrorScope, prop: string, name: string, value: string): void {
  const what = credentialShape(value);
  if (what) fail(scope, `${prop}["${name}"]`, '<redacted>', `looks like ${what} written as a literal`, BY_REFERENCE);
  if (SECRET_NAME.test(name) && value !== '') {
    fail(scope, `${prop}["${name}"]`, '<redacted>', 'is a credential variable set to a literal', BY_REFERENCE);
  }
}

/**
 * Rejects a free-text value (an annotation, a label) that looks like a
 * credential. The message never carries the value.
 */
export function checkNoCredential(scope: ErrorScope, prop: string, value: string): void {
  const what = credentialShape(value);
  if (what) fail(scope, prop, '<redacted>', `looks like ${what} written as a literal`, BY_REFERENCE);
}

/**
 * Rejects server arguments that carry a credential: a token shape anywhere,
 * or a value given to a secret-named flag (`--api-key=sk-...`,
 * `--hf-token hf_...`). Flags that take a file (`--token-file`) are fine.
 */
export function checkNoCredentialArgs(scope: ErrorScope, prop: string, args: readonly string[] | undefined): void {
  if (args === undefined) return;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string') continue;
    const what = credentialShape(arg);
    if (what) fail(scope, `${prop}[${i}]`, '<redacted>', `looks like ${what} written as a literal`, `${BY_REFERENCE}, and read it from the environment`);
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!SECRET_FLAG.test(flag)) continue;
    const value = eq > 0 ? arg.slice(eq + 1) : args[i + 1];
    // `$(VAR)` is expanded by the kubelet from the container's env: a reference, not a literal.
    // Numbers (limits such as --max-new-token=512) and absolute paths (a mounted secret file) are not secrets.
    if (value === undefined || value === '' || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value) || (eq < 0 && value.startsWith('-'))
      || /^\d+$/.test(value) || value.startsWith('/')) continue;
    fail(scope, `${prop}[${i}]`, `${flag}${eq > 0 ? '=' : ' '}<redacted>`, 'passes a credential as a literal argument',
      `${BY_REFERENCE}, and pass it as ${flag}=$(VAR_NAME) or let the server read it from the environment`);
  }
}
