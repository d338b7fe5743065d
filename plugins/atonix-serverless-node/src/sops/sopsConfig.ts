import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
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
