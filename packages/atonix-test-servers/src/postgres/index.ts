/**
 * A real PostgreSQL for the database tests, and Backstage's `TestDatabases` set up on it. A
 * separate entry point, so the servers' main entry (also loaded by the demo) does not pull in
 * @backstage/backend-test-utils.
 *
 * @packageDocumentation
 */

export * from './PostgresProcess';
export * from './testDatabases';
