import { formatAge, formatMs, formatPercent, formatRate } from './format';

describe('formatting', () => {
  it('says how old something is in the largest units that matter', () => {
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(59.4)).toBe('59s');
    expect(formatAge(125)).toBe('2m');
    expect(formatAge(3600)).toBe('1h');
    expect(formatAge(3 * 3600 + 5 * 60)).toBe('3h 5m');
    expect(formatAge(2 * 86400 + 4 * 3600)).toBe('2d 4h');
  });

  it('shows a dash, not zero, where there was no traffic', () => {
    expect(formatPercent(null)).toBe('–');
    expect(formatMs(null)).toBe('–');
    expect(formatPercent(0)).toBe('0.0%');
  });

  it('keeps small figures readable', () => {
    expect(formatRate(0.0123)).toBe('0.012 req/s');
    expect(formatRate(4.5)).toBe('4.50 req/s');
    expect(formatRate(123.45)).toBe('123.5 req/s');
    expect(formatPercent(0.0042)).toBe('0.42%');
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatMs(4.25)).toBe('4.3 ms');
    expect(formatMs(212.6)).toBe('213 ms');
  });
});
