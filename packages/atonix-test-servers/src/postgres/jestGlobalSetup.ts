import { PostgresProcess } from './PostgresProcess';

declare global {
  // Read by jestGlobalTeardown: Jest runs both in the same context.
  // eslint-disable-next-line no-var
  var atonixTestPostgres: PostgresProcess | undefined;
}

/**
 * Jest `globalSetup` of the packages whose tests run the catalog and the scaffolder on PostgreSQL
 * as well as SQLite: starts one real PostgreSQL for the whole run and names it to Backstage's
 * `TestDatabases` through its environment variable, which the test workers inherit. Each test
 * then gets a fresh database on it (`backendDatabaseConfig`). A PostgreSQL already named in the
 * environment (any major version) is used instead.
 */
export default async function jestGlobalSetup() {
  // TestDatabases reads one variable per major version (backend-test-utils, database/types).
  const given = /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/;
  if (Object.keys(process.env).some(name => given.test(name))) {
    return;
  }
  const server = await PostgresProcess.start();
  process.env[
    `BACKSTAGE_TEST_DATABASE_POSTGRES${server.majorVersion}_CONNECTION_STRING`
  ] = server.connectionString;
  globalThis.atonixTestPostgres = server;
}
