import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';

/**
 * Backstage's `TestDatabases` for the engines these tests run on: SQLite (in memory) and the
 * PostgreSQL that `jestGlobalSetup` started from the Debian package (or that a
 * `BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING` names). Never containers: there is no
 * container engine here. Throws, at the top of a test file, when no PostgreSQL is configured, so a
 * missing setup fails loudly instead of quietly testing SQLite alone.
 */
export function backendTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({ disableDocker: true });
  if (!databases.eachSupportedId().some(([id]) => isPostgres(id))) {
    throw new Error(
      'No PostgreSQL for the database tests: their package.json "jest" field must name @internal/atonix-test-servers/postgres/jestGlobalSetup as globalSetup (it starts one), or set BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING',
    );
  }
  return databases;
}

/**
 * The `backend.database` config that puts a test backend (its real database service, every
 * plugin's migrations) on a fresh database of `id`: a new PostgreSQL database from
 * `TestDatabases.init` with one schema per plugin (two backends given the same config share it,
 * as replicas do), or SQLite in memory.
 */
export async function backendDatabaseConfig(
  databases: TestDatabases,
  id: TestDatabaseId,
): Promise<JsonObject> {
  if (!isPostgres(id)) {
    return { client: 'better-sqlite3', connection: ':memory:' };
  }
  const knex = await databases.init(id);
  const { host, port, user, password, database } = knex.client.config
    .connection as Knex.PgConnectionConfig;
  return {
    client: 'pg',
    // Knex keeps the password as a hidden property, so it is named rather than spread.
    connection: { host, port, user, password, database } as JsonObject,
    pluginDivisionMode: 'schema',
    // A stopped test backend leaves some plugins' pools open (the catalog's, in backend-defaults
    // 0.19); idle connections must close so TestDatabases can drop the database after the tests.
    knexConfig: { pool: { min: 0, idleTimeoutMillis: 1000 } },
  };
}

function isPostgres(id: TestDatabaseId): boolean {
  return id.startsWith('POSTGRES');
}
