/**
 * Writes a Kubernetes Secret as a SOPS file encrypted to age recipients, as `sops --encrypt` would
 * and as Flux's kustomize-controller decrypts it (it links getsops/sops v3.13.2: go.mod of
 * kustomize-controller v1.9.4). No npm package writes the SOPS format, so this module implements it,
 * from the sops source at v3.13.2 (file:line below); the tests decrypt its output with the real
 * `sops` binary and Debian's `age`.
 *
 * Only public recipients are used: nothing here can decrypt what it writes.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { Encrypter, armor } from 'age-encryption';
import { Document, Scalar } from 'yaml';
import { SECRET_ENCRYPTED_REGEX } from './sopsConfig';

/** A Secret's data key (Kubernetes' IsConfigMapKey). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The sops release whose format this writes (stored as `sops.version`). */
export const SOPS_FORMAT_VERSION = '3.13.2';

/** A Secret to encrypt. Values are the plaintext strings a pod receives. */
export interface PlainSecret {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** The Secret's type, e.g. `kubernetes.io/dockerconfigjson` for an image-pull Secret; default Opaque. */
  type?: string;
  /** Key → value; written as `stringData`, so the decrypted file reads as the values themselves. */
  values: Record<string, string>;
}

export interface SopsRecipients {
  /** age recipients (`age1…`); every one can decrypt the file. */
  age: string[];
}

/** A leaf of the tree and its path, in document order, as sops walks it. */
type Leaf = { path: string[]; value: string };

/**
 * Every scalar of a mapping tree with its path, in key order (sops.go:391-434 walks a branch in
 * document order and passes each leaf its path of keys).
 */
function leaves(tree: Record<string, unknown>, path: string[] = []): Leaf[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? leaves(value as Record<string, unknown>, [...path, key])
      : [{ path: [...path, key], value: String(value) }],
  );
}

/**
 * One value as aes/cipher.go:141-210 writes it: AES-256-GCM with a fresh 32-byte nonce
 * (`nonceSize`, cipher.go:34), the value's path as additional data, and
 * `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]` (cipher.go:55) with standard base64. An empty value
 * stays empty (cipher.go:142-144).
 */
function encryptValue(value: string, dataKey: Buffer, additionalData: string) {
  if (value === '') return '';
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString(
    'base64',
  )},tag:${tag.toString('base64')},type:str]`;
}

/**
 * The tree with every mapping's keys in sorted order. The MAC depends on the order of the values
 * (sops.go:523-575), and Flux decrypts each object as `kustomize build` emits it
 * (kustomize-controller v1.9.4 internal/decryptor/decryptor.go:628-660), which is with sorted keys;
 * written in that order, the file decrypts the same before and after the build.
 */
function sortedKeys(tree: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(tree)
      .sort()
      .map(key => {
        const value = tree[key];
        return [
          key,
          typeof value === 'object' && value !== null
            ? sortedKeys(value as Record<string, unknown>)
            : value,
        ];
      }),
  );
}

/** RFC 3339 in UTC without fractions, as Go's `time.RFC3339` formats `time.Now().UTC()`. */
function rfc3339(date: Date) {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The data key encrypted to one recipient, armored (age/keysource.go:163-195). */
async function encryptDataKey(dataKey: Buffer, recipient: string) {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(new Uint8Array(dataKey)));
}

/**
 * The SOPS file (YAML text) of a Secret, encrypted to `recipients`. Only the values under
 * `stringData` are encrypted (`encrypted_regex`, as `.sops.yaml` asks for Secrets); the MAC covers
 * every value, so changing the name, namespace or a label is detected too.
 */
export async function encryptSecret(
  secret: PlainSecret,
  recipients: SopsRecipients,
  now: Date = new Date(),
): Promise<string> {
  for (const key of Object.keys(secret.values)) {
    // Digits-only keys would also be reordered by JavaScript objects (before every other key).
    if (!SECRET_KEY.test(key) || /^\d+$/.test(key)) {
      throw new Error(
        `Secret ${secret.name}: key "${key}" is not a valid Secret key; use letters, digits, '-', '_' and '.', not only digits`,
      );
    }
  }
  if (recipients.age.length === 0) {
    throw new Error(
      `no age recipient to encrypt Secret ${secret.name} to; add the team's public keys to gitops/.sops.yaml`,
    );
  }
  const tree = sortedKeys({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secret.name,
      ...(secret.namespace ? { namespace: secret.namespace } : {}),
      ...(secret.labels && Object.keys(secret.labels).length
        ? { labels: secret.labels }
        : {}),
    },
    type: secret.type ?? 'Opaque',
    stringData: secret.values,
  });
  const dataKey = randomBytes(32);
  const encryptedRegex = new RegExp(SECRET_ENCRYPTED_REGEX);
  // sops.go:523-575: the MAC is SHA-512 over every value's bytes in walk order (all values, as
  // mac_only_encrypted is off), upper-case hex; a value is encrypted when a key on its path
  // matches encrypted_regex (sops.go:465-475), with the path joined by ':' plus a trailing ':'
  // as additional data (sops.go:549).
  const mac = createHash('sha512');
  const encrypted = structuredClone(tree);
  for (const { path, value } of leaves(tree)) {
    mac.update(value, 'utf8');
    if (path.some(key => encryptedRegex.test(key))) {
      let branch = encrypted as Record<string, any>;
      for (const key of path.slice(0, -1)) branch = branch[key];
      branch[path[path.length - 1]] = encryptValue(
        value,
        dataKey,
        `${path.join(':')}:`,
      );
    }
  }
  // cmd/sops/common/common.go:125-128: the MAC is itself encrypted, with lastmodified as
  // additional data.
  const lastModified = rfc3339(now);
  const sops = {
    // stores/stores.go:37-58: the stored metadata and its keys.
    age: await Promise.all(
      recipients.age.map(async recipient => ({
        recipient,
        enc: await encryptDataKey(dataKey, recipient),
      })),
    ),
    lastmodified: lastModified,
    mac: encryptValue(mac.digest('hex').toUpperCase(), dataKey, lastModified),
    encrypted_regex: SECRET_ENCRYPTED_REGEX,
    version: SOPS_FORMAT_VERSION,
  };
  dataKey.fill(0);
  const doc = new Document({ ...encrypted, sops });
  // Unquoted, a YAML 1.1 parser would read a timestamp, not the string sops compares.
  (doc.getIn(['sops', 'lastmodified'], true) as Scalar).type =
    Scalar.QUOTE_DOUBLE;
  return doc.toString({ lineWidth: 0 });
}
