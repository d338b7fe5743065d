/**
 * Detection of secrets written as literal env values (rule `hardcoded-secret`). Shared by the
 * validator, the scaffolder (rejects a form before it becomes a pull request) and the backend
 * (redacts env values it shows). References (`secretKeyRef`, `secretRef`) never reach these
 * functions: only literal values can leak.
 */

/** Well-known token shapes, each with the reason shown to the user. */
const TOKEN_PATTERNS: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: 'a GitHub token' },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  {
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/,
    what: 'a JSON Web Token',
  },
  {
    pattern: /-----BEGIN ([A-Z]+ )*PRIVATE KEY( BLOCK)?-----/,
    what: 'a private key',
  },
  { pattern: /\b[sr]k_live_[A-Za-z0-9]{16,}\b/, what: 'a Stripe live key' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/, what: 'a Google API key' },
  {
    pattern: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
    what: 'a URL with a password',
  },
];

/** Variable names that say "my value is a secret". */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/**
 * Suffixes that turn a secret-sounding name into an innocent one: `DB_PASSWORD_FILE` is a path,
 * `TOKEN_URL` an endpoint, `API_KEY_HEADER` a header name.
 */
const INNOCENT_SUFFIX =
  /_(FILE|PATH|DIR|NAME|ID|URL|ENDPOINT|HEADER|TTL|LENGTH|EXPIRY|ISSUER|AUDIENCE)$/i;

/** Values that are obviously not secrets even under a secret-sounding name. */
const PLACEHOLDER =
  /^(|true|false|none|null|changeme|<[^>]*>|\$\{[^}]*\}|\$\([^)]*\))$/i;

function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) {
    counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/**
 * Random-looking tokens: long, from a base64/URL-safe alphabet, mixing upper case, lower case and
 * digits, with high entropy. Hex digests (commit SHAs, image digests) and UUIDs have no upper case
 * and paths or URLs contain characters outside the alphabet, so neither is flagged.
 */
function isHighEntropyToken(value: string): boolean {
  return (
    value.length >= 24 &&
    /^[A-Za-z0-9+/=_-]+$/.test(value) &&
    /[A-Z]/.test(value) &&
    /[a-z]/.test(value) &&
    /[0-9]/.test(value) &&
    shannonEntropy(value) >= 4.2
  );
}

/**
 * Which well-known credential `value` contains (AWS key, GitHub/Slack/Stripe/Google token, JWT,
 * private key, URL with a password), or `undefined`. Unlike {@link detectSecret} it ignores names
 * and entropy, so it can scan any text (ConfigMap data, Helm values) without false alarms on
 * certificates, hashes or fields merely named like secrets (`secretName`).
 */
export function detectTokenShape(value: string): string | undefined {
  return TOKEN_PATTERNS.find(({ pattern }) => pattern.test(value))?.what;
}

/**
 * Why the literal env var `name=value` looks like a secret, or `undefined` when it does not. The
 * reason is phrased to follow "looks like", e.g. "a GitHub token".
 */
export function detectSecret(name: string, value: string): string | undefined {
  const token = detectTokenShape(value);
  if (token) {
    return token;
  }
  if (isHighEntropyToken(value)) {
    return 'a random token (high entropy)';
  }
  if (
    SECRET_NAME.test(name) &&
    !INNOCENT_SUFFIX.test(name) &&
    !PLACEHOLDER.test(value.trim())
  ) {
    return `a secret: ${name} names a secret and has a literal value`;
  }
  return undefined;
}

/** True when the literal env var `name=value` looks like a secret (see {@link detectSecret}). */
export function looksLikeSecret(name: string, value: string): boolean {
  return detectSecret(name, value) !== undefined;
}
