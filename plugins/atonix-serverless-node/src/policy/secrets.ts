/**
 * Detection of secrets written as literal values (rule `hardcoded-secret`). Shared by the
 * validator, the scaffolder (rejects a form before it becomes a pull request) and the backend
 * (redacts env values it shows). References (`secretKeyRef`, `secretRef`) never reach these
 * functions: only literal values can leak.
 *
 * Two layers, each for what it knows best (examples of each side in the package README):
 * - known credential formats (cloud keys, provider tokens, private keys, credentials in URLs) come
 *   from secretlint's recommended preset, a maintained detector with far more providers than a
 *   hand-kept list;
 * - what is specific to env vars is ours: secret-sounding names, high-entropy values, and the value
 *   shapes that are plainly not secrets whatever the name (numbers, booleans, durations, units).
 */
import { lintSource } from '@secretlint/core';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';

const SECRETLINT_CONFIG = {
  rules: [{ id: recommendedPreset.meta.id, rule: recommendedPreset }],
};

/** A credential of a known format inside a text: where it is, and what it is. */
export interface KnownToken {
  /** Offsets into the scanned text, end exclusive. */
  range: [number, number];
  /** What secretlint found, phrased to follow "contains", e.g. "a known credential (slack token)". */
  what: string;
}

/**
 * secretlint's message without the masked value it appends: "found slack token: ****" becomes
 * "a known credential (slack token)", "found GitHub Token(****): ****" "... (GitHub Token)".
 */
function tokenDescription(message: string): string {
  const what = message
    .replace(/^found\s+/i, '')
    .replace(/\(\*+\)/g, '')
    .replace(/:\s*\*+.*$/s, '')
    .trim();
  return `a known credential (${what})`;
}

/**
 * Every credential of a known format in `text` (secretlint's recommended rules), in text order.
 * Scans any text: a whole `kustomize build` output at once is as cheap as one value.
 */
export async function findKnownTokens(text: string): Promise<KnownToken[]> {
  const result = await lintSource({
    source: { filePath: 'value', content: text, contentType: 'text' },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true },
  });
  return result.messages
    .map(message => ({
      range: message.range as [number, number],
      what: tokenDescription(message.message),
    }))
    .sort((a, b) => a.range[0] - b.range[0]);
}

/** Variable names that say "my value is a secret". */
const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)/i;

/**
 * Suffixes that turn a secret-sounding name into an innocent one: `DB_PASSWORD_FILE` is a path,
 * `TOKEN_URL` an endpoint, `API_KEY_HEADER` a header name.
 */
const INNOCENT_SUFFIX =
  /_(FILE|PATH|DIR|NAME|ID|URL|ENDPOINT|HEADER|TTL|LENGTH|EXPIRY|ISSUER|AUDIENCE)$/i;

/**
 * Values that are plainly not secrets, whatever the variable is called: empty values and
 * placeholders, booleans, numbers (a TTL, a minimum length), durations (`30s`, `1h30m`, `PT5M`)
 * and quantities with a unit (`512Mi`, `10MB`, `90%`).
 */
const NON_SECRET_SHAPES: RegExp[] = [
  /^(|none|null|changeme|<[^>]*>|\$\{[^}]*\}|\$\([^)]*\))$/i,
  /^(true|false|yes|no|on|off|enabled|disabled)$/i,
  /^[-+]?\d+(\.\d+)?$/,
  /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w))+$/,
  /^P(\d+[YMWD])*(T(\d+(\.\d+)?[HMS])+)?$/,
  /^\d+(\.\d+)?\s?(%|[KMGTPE]i?|[KMGTPE]i?B|B|bytes?|kb|mb|gb|req\/s|rps)$/i,
];

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
 * Random-looking tokens: long, from a base64/URL-safe alphabet (dot-separated segments allowed,
 * as in a JSON Web Token), mixing upper case, lower case and digits, with high entropy. Hex digests
 * (commit SHAs, image digests) and UUIDs have no upper case and paths or URLs contain characters
 * outside the alphabet, so neither is flagged.
 */
function isHighEntropyToken(value: string): boolean {
  return (
    value.length >= 24 &&
    /^[A-Za-z0-9+/=_-]+(\.[A-Za-z0-9+/=_-]+)*$/.test(value) &&
    /[A-Z]/.test(value) &&
    /[a-z]/.test(value) &&
    /[0-9]/.test(value) &&
    shannonEntropy(value.replace(/\./g, '')) >= 4.2
  );
}

/**
 * Why the literal env var `name=value` looks like a secret by the env-var heuristics alone (high
 * entropy, or a secret-sounding name with a value that is not one of the harmless shapes), or
 * `undefined`. Synchronous and format-blind; {@link detectSecret} adds the known formats.
 */
export function detectSecretByHeuristics(
  name: string,
  value: string,
): string | undefined {
  const trimmed = value.trim();
  if (isHighEntropyToken(trimmed)) {
    return 'a random token (high entropy)';
  }
  if (
    SECRET_NAME.test(name) &&
    !INNOCENT_SUFFIX.test(name) &&
    !NON_SECRET_SHAPES.some(shape => shape.test(trimmed))
  ) {
    return `a secret: ${name} names a secret and has a literal value`;
  }
  return undefined;
}

/**
 * Why each literal env var looks like a secret (`undefined` where it does not), in input order.
 * One secretlint pass over `NAME=value` lines, so rules that need the variable's name as context
 * (an AWS secret access key) apply, and a whole folder of env vars costs one scan.
 */
export async function detectSecrets(
  env: ReadonlyArray<{ name: string; value: string }>,
): Promise<Array<string | undefined>> {
  let text = '';
  const valueRanges = env.map(({ name, value }) => {
    text += `${name}=`;
    const start = text.length;
    text += `${value}\n`;
    return [start, start + value.length];
  });
  const tokens = await findKnownTokens(text);
  return env.map(({ name, value }, index) => {
    const [start, end] = valueRanges[index];
    const token = tokens.find(
      ({ range }) => range[0] < end && range[1] > start,
    );
    return token?.what ?? detectSecretByHeuristics(name, value);
  });
}

/**
 * Why the literal env var `name=value` looks like a secret, or `undefined` when it does not. The
 * reason is phrased to follow "looks like", e.g. "a known credential (slack token)".
 */
export async function detectSecret(
  name: string,
  value: string,
): Promise<string | undefined> {
  const [reason] = await detectSecrets([{ name, value }]);
  return reason;
}

/**
 * True when the literal env var `name=value` looks like a secret by the env-var heuristics
 * ({@link detectSecretByHeuristics}); for redacting values on display, where a synchronous answer
 * is needed. Use {@link detectSecret} to decide whether a value may be committed.
 */
export function looksLikeSecret(name: string, value: string): boolean {
  return detectSecretByHeuristics(name, value) !== undefined;
}
