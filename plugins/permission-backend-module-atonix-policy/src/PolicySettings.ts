import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** Who may do something; see config.d.ts (`permission.atonix`). */
export const AUDIENCES = ['everyone', 'owners', 'platform'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** The config key under `permission.atonix.functions` of each `atonix.function.*` permission. */
export const FUNCTION_PERMISSION_KEYS = {
  'atonix.function.read': 'read',
  'atonix.function.logs.read': 'logs',
  'atonix.function.metrics.read': 'metrics',
  'atonix.function.environment.read': 'environment',
  'atonix.function.invoke': 'invoke',
  'atonix.function.secret.write': 'secretWrite',
  'atonix.function.traffic.update': 'traffic',
  'atonix.function.sync': 'sync',
} as const;

/** The config key under `permission.atonix.catalog` of each catalog permission we narrow. */
export const CATALOG_PERMISSION_KEYS = {
  'catalog.entity.delete': 'entityDelete',
  'catalog.entity.refresh': 'entityRefresh',
} as const;

export interface PolicySettings {
  platformTeam: string;
  /** Keyed by permission name. */
  audiences: Record<string, Audience>;
  platformOnlyTemplateTypes: string[];
  ownTeamsOnly: boolean;
}

const DEFAULT_AUDIENCES: Record<string, Audience> = {
  'atonix.function.read': 'everyone',
  'atonix.function.logs.read': 'owners',
  'atonix.function.metrics.read': 'owners',
  'atonix.function.environment.read': 'owners',
  'atonix.function.invoke': 'owners',
  'atonix.function.secret.write': 'owners',
  'atonix.function.traffic.update': 'owners',
  'atonix.function.sync': 'owners',
  'catalog.entity.delete': 'owners',
  'catalog.entity.refresh': 'owners',
};

/**
 * Reads `permission.atonix` (config.d.ts), filling in the defaults. A wrong value fails the
 * backend's start with the key and the accepted values, rather than silently denying or allowing.
 */
export function readPolicySettings(root: Config): PolicySettings {
  const config = root.getOptionalConfig('permission.atonix');
  const audiences = { ...DEFAULT_AUDIENCES };
  const sections = [
    ['functions', FUNCTION_PERMISSION_KEYS],
    ['catalog', CATALOG_PERMISSION_KEYS],
  ] as const;
  for (const [section, keys] of sections) {
    for (const [permission, key] of Object.entries(keys)) {
      const path = `${section}.${key}`;
      const value = config?.getOptionalString(path);
      if (value === undefined) continue;
      if (!(AUDIENCES as readonly string[]).includes(value)) {
        throw new Error(
          `Invalid permission.atonix.${path} "${value}": use one of ${AUDIENCES.join(
            ', ',
          )} (see the README, "Who can do what")`,
        );
      }
      audiences[permission] = value as Audience;
    }
  }
  const platformTeam = config?.getOptionalString('platformTeam');
  return {
    platformTeam: platformTeam
      ? groupRef(platformTeam, 'permission.atonix.platformTeam')
      : 'group:default/platform',
    audiences,
    platformOnlyTemplateTypes: config?.getOptionalStringArray(
      'templates.platformOnlyTypes',
    ) ?? ['team'],
    ownTeamsOnly: config?.getOptionalBoolean('templates.ownTeamsOnly') ?? true,
  };
}

function groupRef(value: string, key: string): string {
  const invalid = (why: string) =>
    new Error(
      `Invalid ${key} "${value}": expected a Group entity ref such as group:default/platform (${why})`,
    );
  let ref;
  try {
    ref = parseEntityRef(value, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw invalid(String(error));
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw invalid(`it names a ${ref.kind}`);
  }
  return stringifyEntityRef(ref);
}
