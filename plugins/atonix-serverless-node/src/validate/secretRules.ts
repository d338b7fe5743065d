import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { PolicyFinding } from '../policy/rules';
import {
  SOPS_CONFIG_FILE,
  SopsConfig,
  creationRuleFor,
} from '../sops/sopsConfig';
import { ManifestObject, ObjectFinding } from './objectRules';

/** A Secret as sops leaves it: its values encrypted, the `sops` metadata beside them. */
export function isSopsEncrypted(object: ManifestObject) {
  return object.kind === 'Secret' && 'sops' in object;
}

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

/**
 * Rule `secret-ref` for a team's Flux `Receiver` ("Sync now", gitops/tenants/base/receiver.yaml):
 * its `spec.secretRef` names a Secret with a `token` key (notification-controller api v1.9.4,
 * v1/receiver_types.go:92-101) that the team's functions folder provides SOPS-encrypted, so it is
 * committed and Flux applies it into the Receiver's namespace. Without it the Receiver is never
 * Ready and the portal's "Sync now" fails.
 */
export function receiverTokenFindings(
  receiver: ManifestObject,
  team: string,
  teamObjects: ManifestObject[],
): ObjectFinding[] {
  const name = (receiver.spec as { secretRef?: { name?: string } } | undefined)
    ?.secretRef?.name;
  const what = `Receiver ${team}/${receiver.metadata?.name}`;
  const fix = `commit it SOPS-encrypted as functions/${team}/secrets/${
    name ?? 'flux-receiver-token'
  }.sops.yaml with a random token (team onboarding writes it; for an existing team, writeFluxReceiverToken of the node library, or "Add secret" on one of the team's functions with key token)`;
  if (!name) {
    return [
      {
        rule: 'secret-ref',
        path: ['spec', 'secretRef'],
        message: `${what} names no token Secret (spec.secretRef.name); name flux-receiver-token and ${fix}`,
      },
    ];
  }
  const secret = teamObjects.find(
    o => o.kind === 'Secret' && o.metadata?.name === name,
  );
  if (!secret || !isSopsEncrypted(secret)) {
    return [
      {
        rule: 'secret-ref',
        path: ['spec', 'secretRef', 'name'],
        message: `${what} reads its token from Secret ${name}, which functions/${team} does not provide ${
          secret ? 'SOPS-encrypted' : 'at all'
        }, so the Receiver never becomes Ready and "Sync now" fails; ${fix}`,
      },
    ];
  }
  const keys = providedSecrets([secret]).get(name);
  if (keys && !keys.has('token')) {
    return [
      {
        rule: 'secret-ref',
        path: ['spec', 'secretRef', 'name'],
        message: `${what} reads key token of Secret ${name}, which has only ${
          [...keys].join(', ') || 'no keys'
        }; write the token under the key token`,
      },
    ];
  }
  return [];
}
