import {
  Checkbox,
  FormControl,
  FormControlLabel,
  InputLabel,
  MenuItem,
  Select,
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
  const single = <T extends string>(
    key: 'cluster' | 'runtime' | 'health',
    label: string,
    options: Array<{ value: T; label: string }>,
  ) => (
    <FormControl className={classes.control} size="small" variant="outlined">
      <InputLabel id={`filter-${key}`}>{label}</InputLabel>
      <Select
        labelId={`filter-${key}`}
        label={label}
        value={value[key]?.[0] ?? ''}
        onChange={event => {
          const selected = event.target.value as string;
          onChange({ ...value, [key]: selected ? [selected] : undefined });
        }}
      >
        <MenuItem value="">All</MenuItem>
        {options.map(option => (
          <MenuItem key={option.value} value={option.value}>
            {option.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
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
      <FormControlLabel
        label="Scaled to zero only"
        control={
          <Checkbox
            checked={value.scaledToZero === true}
            onChange={event =>
              onChange({
                ...value,
                scaledToZero: event.target.checked ? true : undefined,
              })
            }
          />
        }
      />
      <FormControlLabel
        label="Alerting only"
        control={
          <Checkbox
            checked={value.alerting === true}
            onChange={event =>
              onChange({
                ...value,
                alerting: event.target.checked ? true : undefined,
              })
            }
          />
        }
      />
    </div>
  );
}
