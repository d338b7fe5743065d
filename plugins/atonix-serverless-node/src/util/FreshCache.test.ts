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
});
