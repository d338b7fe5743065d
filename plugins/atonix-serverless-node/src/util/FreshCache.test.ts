import { FreshCache } from './FreshCache';

describe('FreshCache', () => {
  let now = 0;
  const cache = () =>
    new FreshCache<string>({
      freshnessMs: 1_000,
      maxEntries: 2,
      now: () => now,
    });

  beforeEach(() => {
    now = 0;
  });

  it('reuses an answer until it is freshnessMs old, then loads again', async () => {
    const fresh = cache();
    const load = jest.fn(async () => `answer ${now}`);
    await expect(fresh.get('a', load)).resolves.toBe('answer 0');
    now = 999;
    await expect(fresh.get('a', load)).resolves.toBe('answer 0');
    now = 1_000;
    await expect(fresh.get('a', load)).resolves.toBe('answer 1000');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent callers of a key', async () => {
    const fresh = cache();
    const load = jest.fn(async () => 'one');
    await Promise.all([fresh.get('a', load), fresh.get('a', load)]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('drops a failed answer, so the next caller asks again', async () => {
    const fresh = cache();
    await expect(
      fresh.get('a', async () => {
        throw new Error('down');
      }),
    ).rejects.toThrow('down');
    await expect(fresh.get('a', async () => 'back')).resolves.toBe('back');
  });

  it('starts over past maxEntries keys', async () => {
    const fresh = cache();
    const load = jest.fn(async () => 'x');
    await fresh.get('a', load);
    await fresh.get('b', load);
    await fresh.get('c', load);
    await fresh.get('a', load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  describe('with renewAfterMs', () => {
    const renewing = () =>
      new FreshCache<string>({
        freshnessMs: 1_000,
        renewAfterMs: 800,
        now: () => now,
      });
    /** A load whose answers the test resolves or rejects, one by one. */
    function controlledLoad() {
      const pending: Array<{
        resolve: (value: string) => void;
        reject: (error: Error) => void;
      }> = [];
      const load = jest.fn(
        () =>
          new Promise<string>((resolve, reject) =>
            pending.push({ resolve, reject }),
          ),
      );
      return { load, pending };
    }
    const settled = () => new Promise(resolve => setImmediate(resolve));

    it('serves the fresh answer while it loads the next one in the background', async () => {
      const fresh = renewing();
      const { load, pending } = controlledLoad();
      const first = fresh.get('a', load);
      pending[0].resolve('first');
      await expect(first).resolves.toBe('first');

      now = 800;
      // The renewal has not answered: the caller does not wait for it.
      await expect(fresh.get('a', load)).resolves.toBe('first');
      await expect(fresh.get('a', load)).resolves.toBe('first');
      expect(load).toHaveBeenCalledTimes(2);

      pending[1].resolve('second');
      await settled();
      await expect(fresh.get('a', load)).resolves.toBe('second');
      // The renewed answer's age counts from when its load started (800), not from its arrival.
      now = 1_799;
      await expect(fresh.get('a', load)).resolves.toBe('second');
      now = 1_800;
      const third = fresh.get('a', load);
      pending[pending.length - 1].resolve('third');
      await expect(third).resolves.toBe('third');
    });

    it('never serves an answer older than freshnessMs when the renewal is slow', async () => {
      const fresh = renewing();
      const { load, pending } = controlledLoad();
      const first = fresh.get('a', load);
      pending[0].resolve('first');
      await first;
      now = 900;
      await fresh.get('a', load);
      now = 1_000;
      // Stale: this caller waits for a load of its own, however the renewal fares.
      const late = fresh.get('a', load);
      expect(load).toHaveBeenCalledTimes(3);
      pending[2].resolve('own');
      await expect(late).resolves.toBe('own');
      pending[1].resolve('renewal');
      await settled();
      // The slower renewal does not overwrite the newer answer.
      await expect(fresh.get('a', load)).resolves.toBe('own');
    });

    it('keeps the fresh answer when a renewal fails, and tries again on the next call', async () => {
      const fresh = renewing();
      const { load, pending } = controlledLoad();
      const first = fresh.get('a', load);
      pending[0].resolve('first');
      await first;
      now = 850;
      await expect(fresh.get('a', load)).resolves.toBe('first');
      pending[1].reject(new Error('permission backend down'));
      await settled();
      await expect(fresh.get('a', load)).resolves.toBe('first');
      expect(load).toHaveBeenCalledTimes(3);
      pending[2].resolve('renewed');
      await settled();
      await expect(fresh.get('a', load)).resolves.toBe('renewed');
    });
  });
});
