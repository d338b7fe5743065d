import { FunctionMetricsResponse, isUnavailable } from './api';

describe('isUnavailable', () => {
  it('tells an unavailable part from the data it replaces', () => {
    const down: FunctionMetricsResponse = {
      unavailable:
        'Prometheus at http://prometheus:9090 did not answer within 5000 ms',
    };
    expect(isUnavailable(down)).toBe(true);
    expect(
      isUnavailable({ lines: [], truncated: false, query: '{a="b"}' }),
    ).toBe(false);
  });
});
