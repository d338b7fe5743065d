import knexFactory, { Knex } from 'knex';
import fs from 'node:fs/promises';
import { PostgresProcess } from './PostgresProcess';

describe('PostgresProcess', () => {
  let postgres: PostgresProcess;
  let knex: Knex;

  beforeAll(async () => {
    postgres = await PostgresProcess.start();
    knex = knexFactory({ client: 'pg', connection: postgres.connectionString });
  }, 60_000);

  afterAll(async () => {
    await knex?.destroy();
    await postgres?.stop();
  });

  it('serves SQL on 127.0.0.1 to the holder of its password', async () => {
    const { rows } = await knex.raw(
      "select current_setting('server_version_num')::int / 10000 as major, host(inet_server_addr()) as address",
    );
    expect(rows[0]).toEqual({
      major: postgres.majorVersion,
      address: '127.0.0.1',
    });
    const intruder = knexFactory({
      client: 'pg',
      connection: postgres.connectionString.replace(/:[^:@/]+@/, ':wrong@'),
    });
    try {
      await expect(intruder.raw('select 1')).rejects.toThrow(
        /password authentication failed/,
      );
    } finally {
      await intruder.destroy();
    }
  });

  it('runs as an ordinary user: the postgres user when the tests run as root', async () => {
    const { rows } = await knex.raw('select pg_backend_pid() as pid');
    const { uid } = await fs.stat(`/proc/${rows[0].pid}`);
    // PostgreSQL refuses root; as root the server runs as Debian's postgres user.
    const expected =
      process.getuid?.() === 0
        ? Number(
            (await fs.readFile('/etc/passwd', 'utf8')).match(
              /^postgres:[^:]*:(\d+):/m,
            )?.[1],
          )
        : process.getuid?.();
    expect(uid).toBe(expected);
  });

  it('stops when asked, and no longer answers', async () => {
    const other = await PostgresProcess.start();
    const client = knexFactory({
      client: 'pg',
      connection: other.connectionString,
      pool: { min: 0, max: 1 },
    });
    try {
      await client.raw('select 1');
      await other.stop();
      await expect(client.raw('select 1')).rejects.toThrow();
    } finally {
      await client.destroy();
    }
  }, 60_000);
});
