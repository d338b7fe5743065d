import { Row, SortedRowCache } from './fleetList';

describe('SortedRowCache', () => {
  const freshness = new Map([
    ['staging', { observedAt: '2026-11-29T22:00:00.000Z', stale: false }],
  ]);
  const query = { sort: 'name' as const, limit: 50, offset: 0 };

  function counting() {
    let sorts = 0;
    const sorted = (): Row[] => {
      sorts++;
      return [];
    };
    return { sorted, sorts: () => sorts };
  }

  it('sorts once per query, caller view and version, whatever page is asked', () => {
    const cache = new SortedRowCache();
    const { sorted, sorts } = counting();

    cache.rows(query, 'v1', '', freshness, undefined, sorted);
    cache.rows(
      { ...query, offset: 50 },
      'v1',
      '',
      freshness,
      undefined,
      sorted,
    );
    expect(sorts()).toBe(1);

    cache.rows(query, 'v1', 'caller a', freshness, undefined, sorted);
    cache.rows(query, 'v1', 'caller b', freshness, undefined, sorted);
    cache.rows(query, 'v1', 'caller a', freshness, undefined, sorted);
    expect(sorts()).toBe(3);
  });

  it('forgets the rows of an older version once a newer one is asked for', () => {
    const cache = new SortedRowCache();
    const { sorted, sorts } = counting();

    cache.rows(query, 'v1', 'caller a', freshness, undefined, sorted);
    cache.rows(query, 'v2', 'caller a', freshness, undefined, sorted);
    cache.rows(query, 'v1', 'caller a', freshness, undefined, sorted);

    expect(sorts()).toBe(3);
  });
});
