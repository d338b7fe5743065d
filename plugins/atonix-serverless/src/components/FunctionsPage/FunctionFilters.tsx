import {
  Checkbox,
  FormControlLabel,
  TextField,
  makeStyles,
} from '@material-ui/core';
import {
  ClusterSyncStatus,
  FUNCTION_RUNTIMES,
  FUNCTION_RUNTIME_TITLES,
  FunctionHealth,
  FunctionListQuery,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { SelectControl } from '../common/SelectControl';

const useStyles = makeStyles(theme => ({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  control: { minWidth: 160 },
}));

const HEALTH_LABELS: Record<FunctionHealth, string> = {
  ready: 'Ready',
  notReady: 'Not ready',
  unknown: 'Unknown',
  stale: 'Stale',
};

/** The filters of the fleet list; each change goes to the backend, which filters all pages. */
export type FleetFilters = Pick<
  FunctionListQuery,
  | 'team'
  | 'cluster'
  | 'runtime'
  | 'health'
  | 'scaledToZero'
  | 'alerting'
  | 'search'
>;

export function FunctionFilters(props: {
  value: FleetFilters;
  clusters: ClusterSyncStatus[];
  onChange: (filters: FleetFilters) => void;
}) {
  const classes = useStyles();
  const { value, clusters, onChange } = props;
  const single = (
    key: 'cluster' | 'runtime' | 'health',
    label: string,
    options: Array<{ value: string; label: string }>,
  ) => (
    <SelectControl
      id={`filter-${key}`}
      label={label}
      className={classes.control}
      value={value[key]?.[0] ?? ''}
      onChange={selected =>
        onChange({ ...value, [key]: selected ? [selected] : undefined })
      }
      options={[{ value: '', label: 'All' }, ...options]}
    />
  );
  // Unchecked is no filter (every function), not "only those without".
  const only = (key: 'scaledToZero' | 'alerting', label: string) => (
    <FormControlLabel
      label={label}
      control={
        <Checkbox
          checked={value[key] === true}
          onChange={event =>
            onChange({ ...value, [key]: event.target.checked || undefined })
          }
        />
      }
    />
  );

  return (
    <div className={classes.root}>
      <TextField
        className={classes.control}
        size="small"
        variant="outlined"
        id="filter-search"
        label="Search"
        value={value.search ?? ''}
        onChange={event =>
          onChange({ ...value, search: event.target.value || undefined })
        }
      />
      <TextField
        className={classes.control}
        size="small"
        variant="outlined"
        id="filter-team"
        label="Team"
        placeholder="payments, analytics"
        InputLabelProps={{ shrink: true }}
        value={value.team?.join(',') ?? ''}
        onChange={event => {
          const teams = event.target.value
            .split(',')
            .map(team => team.trim())
            .filter(Boolean);
          onChange({ ...value, team: teams.length ? teams : undefined });
        }}
      />
      {single(
        'cluster',
        'Cluster',
        clusters.map(cluster => ({ value: cluster.name, label: cluster.name })),
      )}
      {single(
        'runtime',
        'Runtime',
        FUNCTION_RUNTIMES.map(runtime => ({
          value: runtime,
          label: FUNCTION_RUNTIME_TITLES[runtime],
        })),
      )}
      {single(
        'health',
        'Health',
        Object.entries(HEALTH_LABELS).map(([health, label]) => ({
          value: health,
          label,
        })),
      )}
      {only('scaledToZero', 'Scaled to zero only')}
      {only('alerting', 'Alerting only')}
    </div>
  );
}
