import { render, screen, within } from '@testing-library/react';
import { coldStartAdvice } from '@internal/backstage-plugin-atonix-serverless-common';
import { giveChartsASize } from '../../testing/chartSize';
import { chargeCardMetrics } from '../../testing/fixtures';
import { ColdStarts } from './ColdStarts';

const measured = chargeCardMetrics.coldStart!;

describe('ColdStarts', () => {
  giveChartsASize();

  it('shows the starts of the last hour, the p95 wait against the objective, and each revision', () => {
    render(<ColdStarts coldStart={measured} critical />);
    expect(screen.getByLabelText('Cold start summary')).toHaveTextContent(
      '2 in the last hour; requests waited up to 2600 ms at p95 (objective 2000 ms).',
    );
    expect(
      screen.getByText(
        'charge-card-00001: 1, 2600 ms · charge-card-00002: 1, 900 ms',
      ),
    ).toBeInTheDocument();
  });

  it('draws the count and the wait as two trends, one unit each', () => {
    const { container } = render(<ColdStarts coldStart={measured} critical />);
    expect(
      [...container.querySelectorAll('.recharts-legend-item-text')].map(
        item => item.textContent,
      ),
    ).toEqual(['starts in 1h', 'p95 ms']);
  });

  it('suggests keeping replicas warm when a critical function waits longer than its objective', () => {
    render(<ColdStarts coldStart={measured} critical />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('exceeds the objective');
    expect(alert).toHaveTextContent(coldStartAdvice(true));
    expect(alert).toHaveTextContent('raise scaling.minScale');
  });

  it('suggests min-scale 1 to a standard function over its objective', () => {
    render(
      <ColdStarts
        coldStart={{ ...measured, p95Ms: 6200, objectiveMs: 5000 }}
        critical={false}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'mark the function critical and keep scaling.minScale at 1',
    );
  });

  it('suggests nothing within the objective, or when no request waited', () => {
    const { rerender } = render(
      <ColdStarts coldStart={{ ...measured, p95Ms: 1500 }} critical />,
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    rerender(
      <ColdStarts
        coldStart={{
          ...measured,
          count1h: 0,
          p95Ms: null,
          revisions: [],
          series: [],
        }}
        critical
      />,
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    const section = screen.getByRole('region', { name: 'Starts from zero' });
    expect(section).toHaveTextContent(
      '0 in the last hour; no request waited for a start (objective 2000 ms).',
    );
    expect(
      within(section).getAllByText('No data in this window.'),
    ).toHaveLength(2);
  });
});
