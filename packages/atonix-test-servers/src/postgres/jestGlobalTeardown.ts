import './jestGlobalSetup';

/** Jest `globalTeardown`: stops the PostgreSQL that `jestGlobalSetup` started, if it did. */
export default async function jestGlobalTeardown() {
  await globalThis.atonixTestPostgres?.stop();
  globalThis.atonixTestPostgres = undefined;
}
