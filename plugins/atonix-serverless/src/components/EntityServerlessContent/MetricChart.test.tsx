import { render } from '@testing-library/react';
import { giveChartsASize } from '../../testing/chartSize';
import { chargeCardMetrics } from '../../testing/fixtures';
import { MetricChart } from './MetricChart';
import { formatMs } from '../common/format';

describe('MetricChart', () => {
  giveChartsASize();

  it('draws the p50, p95 and p99 latency lines, each named in the legend', () => {
    const { container } = render(
      <MetricChart
        series={chargeCardMetrics.series.latency}
        format={formatMs}
      />,
    );
    expect(
      [...container.querySelectorAll('.recharts-legend-item-text')].map(
        item => item.textContent,
      ),
    ).toEqual(['p50 ms', 'p95 ms', 'p99 ms']);
    expect(container.querySelectorAll('path.recharts-line-curve')).toHaveLength(
      3,
    );
  });

  it('says when the window holds no data', () => {
    const { container } = render(<MetricChart series={[]} format={formatMs} />);
    expect(container).toHaveTextContent('No data in this window.');
  });
});
