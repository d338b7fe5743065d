import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { PolicyFinding } from '../policy/rules';
import {
  SOPS_CONFIG_FILE,
  SopsConfig,
  creationRuleFor,
} from '../sops/sopsConfig';
import { ManifestObject, ObjectFinding } from './objectRules';

/**
 * Rule `sops-recipients`: a SOPS-encrypted Secret is encrypted to exactly the age recipients
 * `.sops.yaml` names for the file it is in, so that it opens with the key of the team (and
 * clusters) it belongs to and with no other. `relativePath` is the file's path in the `gitops/`
 * folder.
 */
export function sopsRecipientFindings(
  object: ManifestObject,
  relativePath: string,
  config: SopsConfig | undefined,
): ObjectFinding[] {
  const sops = (object as { sops?: Record<string, unknown> }).sops ?? {};
  const name = `Secret ${object.metadata?.name} (${relativePath})`;
  const finding = (message: string): ObjectFinding[] => [
    { rule: 'sops-recipients', path: ['sops'], message },
  ];
  const rule = config && creationRuleFor(config, relativePath);
  if (!rule || rule.age.length === 0) {
    return finding(
      `${name} is SOPS-encrypted, but gitops/${SOPS_CONFIG_FILE} names no age recipients for its path, so no cluster is known to decrypt it; move it to functions/<team>/secrets/ or add a creation rule for this path`,
    );
  }
  if (typeof sops.mac !== 'string' || !sops.mac.startsWith('ENC[')) {
    return finding(
      `${name} has no encrypted sops.mac, so Flux would not decrypt it (and nothing detects tampering); encrypt it again with sops`,
    );
  }
  const actual = new Set(
    (Array.isArray(sops.age) ? sops.age : []).map(
      (entry: { recipient?: unknown }) => String(entry?.recipient),
    ),
  );
  const missing = rule.age.filter(r => !actual.has(r));
  const extra = [...actual].filter(r => !rule.age.includes(r));
  if (missing.length === 0 && extra.length === 0) {
    return [];
  }
  return finding(
    [
      `${name} is not encrypted to the recipients gitops/${SOPS_CONFIG_FILE} names for its path`,
      missing.length
        ? `: missing ${missing.join(', ')} (that cluster could not decrypt it)`
        : '',
      extra.length
        ? `${missing.length ? ';' : ':'} also ${extra.join(
            ', ',
          )} (a key not meant to read it)`
        : '',
      `; run \`sops updatekeys -y ${relativePath}\` in gitops/ with a key that decrypts it, or write it again from the portal`,
    ].join(''),
  );
}

/**
 * The Secrets a team's folder provides, by name, with the keys each has (undefined when they
 * cannot be known, e.g. an ExternalSecret's `dataFrom`): plain or SOPS Secrets, SealedSecrets and
 * ExternalSecrets, the ways rule `plaintext-secret` allows.
 */
export function providedSecrets(
  objects: ManifestObject[],
): Map<string, Set<string> | undefined> {
  const provided = new Map<string, Set<string> | undefined>();
  for (const object of objects) {
    const spec = (object.spec ?? {}) as Record<string, any>;
    const name = object.metadata?.name;
    if (object.kind === 'Secret' && name) {
      const secret = object as { data?: object; stringData?: object };
      provided.set(
        name,
        new Set([
          ...Object.keys(secret.data ?? {}),
          ...Object.keys(secret.stringData ?? {}),
        ]),
      );
    } else if (object.kind === 'SealedSecret' && name) {
      provided.set(
        spec.template?.metadata?.name ?? name,
        new Set(Object.keys(spec.encryptedData ?? {})),
      );
    } else if (object.kind === 'ExternalSecret' && name) {
      provided.set(
        spec.target?.name ?? name,
        spec.dataFrom
          ? undefined
          : new Set(
              ((spec.data ?? []) as Array<{ secretKey?: string }>).map(entry =>
                String(entry.secretKey),
              ),
            ),
      );
    }
  }
  return provided;
}

/**
 * Rule `secret-ref`: every `secretEnv` reference of a function names a Secret, and a key of it,
 * that its team's folder provides; otherwise the function's pods never start
 * (CreateContainerConfigError).
 */
export function secretRefFindings(
  spec: FunctionSpec,
  provided: Map<string, Set<string> | undefined>,
): PolicyFinding[] {
  return Object.entries(spec.secretEnv).flatMap(([env, ref]) => {
    if (!provided.has(ref.secretName)) {
      return [
        {
          rule: 'secret-ref' as const,
          field: `secretEnv.${env}.secretName`,
          message: `${env} reads Secret ${ref.secretName}, which functions/${spec.team} does not provide, so the function would never start; add it from the portal ("Add secret" on the function's page) or as functions/${spec.team}/secrets/${ref.secretName}.sops.yaml, or declare it with an ExternalSecret in the team's folder`,
        },
      ];
    }
    const keys = provided.get(ref.secretName);
    if (keys && !keys.has(ref.key)) {
      return [
        {
          rule: 'secret-ref' as const,
          field: `secretEnv.${env}.key`,
          message: `${env} reads key ${ref.key} of Secret ${
            ref.secretName
          }, which has only ${
            [...keys].join(', ') || 'no keys'
          }; fix the key or add it to the Secret`,
        },
      ];
    }
    return [];
  });
}
