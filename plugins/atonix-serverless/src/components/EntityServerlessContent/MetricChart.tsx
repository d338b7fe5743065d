import { useTheme } from '@material-ui/core';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { MetricSeries } from '@internal/backstage-plugin-atonix-serverless-common';

type Row = { t: number } & Record<string, number>;

/** One chart line per series, on a shared time axis (Prometheus gives every series the same steps). */
function toRows(series: MetricSeries[]): Row[] {
  const rows = new Map<number, Row>();
  for (const { label, points } of series) {
    for (const [t, value] of points) {
      const row = rows.get(t) ?? { t };
      row[label] = value;
      rows.set(t, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

const time = (t: number) =>
  new Date(t * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
  });

export function MetricChart(props: {
  series: MetricSeries[];
  format: (value: number) => string;
}) {
  const theme = useTheme();
  const colors = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.warning.main,
    theme.palette.success.main,
  ];
  const rows = toRows(props.series);
  if (rows.length === 0) {
    return <>No data in this window.</>;
  }
  return (
    <ResponsiveContainer width="100%" height={200}>
      <LineChart data={rows}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          tickFormatter={time}
          type="number"
          domain={['dataMin', 'dataMax']}
        />
        <YAxis tickFormatter={props.format} width={80} />
        <Tooltip
          labelFormatter={time}
          formatter={(value: number) => props.format(value)}
        />
        <Legend />
        {props.series.map(({ label }, index) => (
          <Line
            key={label}
            dataKey={label}
            dot={false}
            isAnimationActive={false}
            stroke={colors[index % colors.length]}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
