import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '@backstage/errors';
import { Encrypter } from 'age-encryption';
import { Scalar, YAMLSeq, isMap, isSeq, parse, parseDocument } from 'yaml';
import { z } from 'zod';

/**
 * The SOPS configuration of a GitOps repository: `gitops/.sops.yaml`, whose creation rules name,
 * per path, the age recipients (public keys) a file there is encrypted to. The portal, the
 * validator and the `sops` CLI all read this one file.
 */
export const SOPS_CONFIG_FILE = '.sops.yaml';

/** Only the values of a Secret's data are encrypted: kustomize and Flux read the rest. */
export const SECRET_ENCRYPTED_REGEX = '^(data|stringData)$';

const creationRuleSchema = z.object({
  path_regex: z.string().optional(),
  // sops accepts a comma-separated string or a list (getsops/sops v3.13.2 config/config.go:182).
  age: z.union([z.string(), z.array(z.string())]).optional(),
  encrypted_regex: z.string().optional(),
});

const sopsConfigSchema = z.object({
  creation_rules: z.array(creationRuleSchema).default([]),
});

/** One creation rule, as sops applies it. */
export interface SopsCreationRule {
  pathRegex?: string;
  /** age recipients (`age1…`), in the order written. */
  age: string[];
  encryptedRegex?: string;
}

export interface SopsConfig {
  creationRules: SopsCreationRule[];
}

function recipients(age: string | string[] | undefined): string[] {
  const list = typeof age === 'string' ? age.split(',') : age ?? [];
  return list.map(r => r.trim()).filter(Boolean);
}

/** Parses the text of a `.sops.yaml`; throws a message naming the file when it is not one. */
export function parseSopsConfig(
  text: string,
  file = SOPS_CONFIG_FILE,
): SopsConfig {
  const parsed = sopsConfigSchema.safeParse(parse(text) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${file}: ${issue.path.join('.') || '(file)'} ${
        issue.message
      }; fix the SOPS configuration`,
    );
  }
  return {
    creationRules: parsed.data.creation_rules.map(rule => ({
      pathRegex: rule.path_regex,
      age: recipients(rule.age),
      encryptedRegex: rule.encrypted_regex,
    })),
  };
}

/** The `.sops.yaml` at the root of a `gitops/` folder, or undefined when there is none. */
export async function readSopsConfig(
  gitopsDir: string,
): Promise<SopsConfig | undefined> {
  const file = join(gitopsDir, SOPS_CONFIG_FILE);
  const text = await fs.readFile(file, 'utf8').catch(error => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : parseSopsConfig(text, file);
}

/**
 * The rule sops uses for a file: the first whose `path_regex` matches the path relative to the
 * folder of `.sops.yaml`, or the first without one (getsops/sops v3.13.2
 * config/config.go:581-598).
 */
export function creationRuleFor(
  config: SopsConfig,
  relativePath: string,
): SopsCreationRule | undefined {
  return config.creationRules.find(
    rule => !rule.pathRegex || new RegExp(rule.pathRegex).test(relativePath),
  );
}

/**
 * An age X25519 recipient: `age1` and 58 bech32 characters, the Bech32 encoding (HRP `age`) of a
 * 32-byte public key (the age v1 format specification, "X25519 recipient type"). Plugin and
 * post-quantum recipients are longer and are not what `age-keygen` writes for a cluster's key.
 */
const AGE_X25519_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/**
 * Why `recipient` is not an age X25519 public key, or undefined when it is. The checksum is
 * checked by encrypting one byte to it, as sops would.
 */
export async function ageRecipientProblem(
  recipient: string,
): Promise<string | undefined> {
  if (recipient.startsWith('AGE-SECRET-KEY-')) {
    return 'is a private key (AGE-SECRET-KEY-…); give the public key, the "# public key: age1…" line age-keygen prints, and keep the private key out of the repository';
  }
  if (!AGE_X25519_RECIPIENT.test(recipient)) {
    return 'is not an age X25519 public key (age1 followed by 58 lower-case bech32 characters, as age-keygen prints)';
  }
  try {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    await encrypter.encrypt(new Uint8Array(1));
  } catch {
    return 'is not a valid age public key (its checksum does not match; copy it again)';
  }
  return undefined;
}

/**
 * The text of a `.sops.yaml` (or undefined for none yet) with one more creation rule for
 * `pathRegex`, encrypting Secrets' data to `age`. Comments and the other rules stay as written.
 * The rule goes before the first rule that already matches `samplePath` (a catch-all), so sops
 * uses it for that path; a rule with the same `path_regex` is refused.
 */
export function addCreationRule(
  text: string | undefined,
  rule: { pathRegex: string; age: string[]; samplePath: string },
  file = SOPS_CONFIG_FILE,
): string {
  const doc = parseDocument(text ?? 'creation_rules: []\n');
  const config = parseSopsConfig(text ?? '', file);
  if (config.creationRules.some(r => r.pathRegex === rule.pathRegex)) {
    throw new ConflictError(
      `${file} has a creation rule for ${rule.pathRegex} already; edit its recipients there instead of adding a second one`,
    );
  }
  if (!isMap(doc.contents)) {
    throw new Error(
      `${file}: (file) must be a mapping; fix the SOPS configuration`,
    );
  }
  let rules = doc.get('creation_rules', true);
  if (!isSeq(rules)) {
    rules = new YAMLSeq();
    doc.set('creation_rules', rules);
  }
  // Folded, as the rules written by hand: one recipient a line (toString folds at the spaces).
  const age = new Scalar(rule.age.join(', '));
  age.type = Scalar.BLOCK_FOLDED;
  const node = doc.createNode({
    path_regex: rule.pathRegex,
    encrypted_regex: SECRET_ENCRYPTED_REGEX,
    age,
  });
  const shadowing = config.creationRules.findIndex(
    r => !r.pathRegex || new RegExp(r.pathRegex).test(rule.samplePath),
  );
  const items = (rules as YAMLSeq).items;
  items.splice(shadowing === -1 ? items.length : shadowing, 0, node);
  return doc.toString({ lineWidth: 80 });
}
