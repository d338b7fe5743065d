import { useState } from 'react';
import {
  Content,
  EmptyState,
  LinkButton,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TablePagination,
  TableRow,
  TableSortLabel,
  Paper,
  Typography,
  makeStyles,
} from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import {
  ClusterSyncStatus,
  FUNCTION_RUNTIME_TITLES,
  FunctionListItem,
  FunctionSortKey,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { atonixServerlessApiRef } from '../../api';
import { DemoBanner } from '../common/DemoBanner';
import { ErrorState } from '../common/ErrorState';
import {
  AlertingBadge,
  HealthStatus,
  ScaledToZeroBadge,
  StaleBadge,
} from '../common/StatusBadges';
import {
  formatAge,
  formatMs,
  formatPercent,
  formatRate,
  secondsSince,
} from '../common/format';
import { FleetFilters, FunctionFilters } from './FunctionFilters';

const useStyles = makeStyles({
  nowrap: { whiteSpace: 'nowrap' },
});

const PAGE_SIZES = [25, 50, 100];

/** Metric columns start with the highest figures: the busiest or worst functions come first. */
const COLUMNS: Array<{
  label: string;
  sort?: FunctionSortKey;
  firstOrder?: 'desc';
}> = [
  { label: 'Function', sort: 'name' },
  { label: 'Team', sort: 'team' },
  // Runtime sits under the name and cluster shares a column with namespace, so every metric
  // column stays in view on a laptop screen.
  { label: 'Cluster / namespace', sort: 'cluster' },
  { label: 'Health', sort: 'ready' },
  { label: 'Replicas' },
  { label: 'Requests', sort: 'requestRate', firstOrder: 'desc' },
  { label: 'Errors', sort: 'errorRate', firstOrder: 'desc' },
  { label: 'p95', sort: 'p95', firstOrder: 'desc' },
  { label: 'Cold starts 1h' },
  { label: 'p95 cold start' },
];

/** The columns filled from the fleet metrics (the last ones), all `n/a` when those are hidden. */
const METRIC_COLUMNS = 5;

/**
 * Every function across teams and clusters. Filtering, sorting and paging happen in the backend, so
 * the page stays as fast with 5,000 functions as with 5.
 */
export function FunctionsPage(props: {
  /** Where "Create a function" leads; the app's binding of the plugin's createFunction route. */
  createFunctionLink?: string;
}) {
  const api = useApi(atonixServerlessApiRef);
  const classes = useStyles();
  const [filters, setFilters] = useState<FleetFilters>({});
  const [debouncedFilters, setDebouncedFilters] = useState(filters);
  const [sort, setSort] = useState<FunctionSortKey>('name');
  const [order, setOrder] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);

  // Typing into the search and team fields should not send a request per key stroke. Any change
  // of filters, sort or page size starts again at the first page.
  useDebounce(
    () => {
      if (filters !== debouncedFilters) {
        setDebouncedFilters(filters);
        setPage(0);
      }
    },
    300,
    [filters],
  );

  const { value, loading, error } = useAsyncRetry(
    () =>
      api.listFunctions({
        ...debouncedFilters,
        sort,
        order,
        offset: page * pageSize,
        limit: pageSize,
      }),
    [api, debouncedFilters, sort, order, page, pageSize],
  );

  if (error) {
    return (
      <Content>
        <ErrorState error={error} what="the function list" />
      </Content>
    );
  }
  if (!value) {
    return (
      <Content>
        <Progress />
      </Content>
    );
  }

  const filtered = Object.values(debouncedFilters).some(
    filter => filter !== undefined,
  );
  if (value.totalCount === 0 && !filtered) {
    return (
      <Content>
        <DemoBanner />
        <NoFunctionsYet createFunctionLink={props.createFunctionLink} />
      </Content>
    );
  }

  const toggleSort = (
    key: FunctionSortKey,
    firstOrder: 'asc' | 'desc' = 'asc',
  ) => {
    setPage(0);
    if (key === sort) {
      setOrder(order === 'asc' ? 'desc' : 'asc');
    } else {
      setSort(key);
      setOrder(firstOrder);
    }
  };

  return (
    <Content>
      <DemoBanner />
      <ClusterWarnings clusters={value.clusters} />
      <MetricsWarning items={value.items} />
      <FunctionFilters
        value={filters}
        clusters={value.clusters}
        onChange={setFilters}
      />
      {loading && <Progress />}
      <TableContainer component={Paper}>
        <Table size="small" aria-label="Functions">
          <TableHead>
            <TableRow>
              {COLUMNS.map(column => (
                <TableCell key={column.label} className={classes.nowrap}>
                  {column.sort ? (
                    <TableSortLabel
                      active={sort === column.sort}
                      direction={
                        sort === column.sort
                          ? order
                          : column.firstOrder ?? 'asc'
                      }
                      onClick={() =>
                        toggleSort(column.sort!, column.firstOrder)
                      }
                    >
                      {column.label}
                    </TableSortLabel>
                  ) : (
                    column.label
                  )}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(fn => (
              <FunctionRow
                key={`${fn.cluster}/${fn.namespace}/${fn.name}`}
                fn={fn}
              />
            ))}
            {value.items.length === 0 && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length}>
                  No function matches these filters.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={PAGE_SIZES}
          onPageChange={(_, next) => setPage(next)}
          onRowsPerPageChange={event => {
            setPageSize(Number(event.target.value));
            setPage(0);
          }}
        />
      </TableContainer>
    </Content>
  );
}

function FunctionRow(props: { fn: FunctionListItem }) {
  const { fn } = props;
  const { metrics } = fn;
  const classes = useStyles();
  return (
    <TableRow className={classes.nowrap}>
      <TableCell>
        {fn.entityRef ? (
          <EntityRefLink entityRef={fn.entityRef} title={fn.name} />
        ) : (
          fn.name
        )}
        <Typography variant="caption" display="block" color="textSecondary">
          {FUNCTION_RUNTIME_TITLES[fn.runtime]}
        </Typography>
      </TableCell>
      <TableCell>{fn.team}</TableCell>
      <TableCell>
        {fn.cluster} / {fn.namespace}
      </TableCell>
      <TableCell>
        <HealthStatus fn={fn} showReason />{' '}
        {fn.scaledToZero && <ScaledToZeroBadge />}{' '}
        {fn.stale && <StaleBadge staleSeconds={fn.staleSeconds} />}{' '}
        {fn.alerts && !isUnavailable(fn.alerts) && fn.alerts.firing > 0 && (
          <AlertingBadge
            firing={fn.alerts.firing}
            severity={fn.alerts.severity}
          />
        )}
      </TableCell>
      <TableCell>
        {fn.replicas.actual}/{fn.replicas.desired}
      </TableCell>
      {isUnavailable(metrics) ? (
        Array.from({ length: METRIC_COLUMNS }, (_, cell) => (
          <TableCell key={cell} title={metrics.unavailable}>
            n/a
          </TableCell>
        ))
      ) : (
        <>
          <TableCell>
            {metrics.requestRate === null
              ? '–'
              : formatRate(metrics.requestRate)}
          </TableCell>
          <TableCell>{formatPercent(metrics.errorRate)}</TableCell>
          <TableCell>{formatMs(metrics.p95LatencyMs)}</TableCell>
          <TableCell>
            {metrics.coldStarts1h === null ? '–' : metrics.coldStarts1h}
          </TableCell>
          <TableCell>{formatMs(metrics.coldStartP95Ms)}</TableCell>
        </>
      )}
    </TableRow>
  );
}

/** Why the traffic columns are empty: Prometheus down or not configured for a cluster. */
function MetricsWarning(props: { items: FunctionListItem[] }) {
  const reasons = [
    ...new Set(
      props.items.flatMap(fn =>
        isUnavailable(fn.metrics) ? [fn.metrics.unavailable] : [],
      ),
    ),
  ];
  if (reasons.length === 0) {
    return null;
  }
  return (
    <WarningPanel severity="info" title="Request metrics unavailable">
      {reasons.map(reason => (
        <div key={reason}>{reason}</div>
      ))}
    </WarningPanel>
  );
}

/** Clusters the backend cannot reach: their functions show their last known state. */
function ClusterWarnings(props: { clusters: ClusterSyncStatus[] }) {
  const unreachable = props.clusters.filter(cluster => cluster.stale);
  if (unreachable.length === 0) {
    return null;
  }
  const names = unreachable.map(cluster =>
    cluster.lastSyncAt
      ? `${cluster.name} (last heard from ${formatAge(
          secondsSince(cluster.lastSyncAt),
        )} ago)`
      : cluster.name,
  );
  return (
    <WarningPanel
      severity="warning"
      title={`Cluster unreachable: ${names.join(', ')}`}
    >
      {unreachable.map(cluster => (
        <div key={cluster.name}>
          {cluster.name}: showing the last known state
          {cluster.lastSyncAt &&
            `, from ${formatAge(secondsSince(cluster.lastSyncAt))} ago`}
          {cluster.error && ` (${cluster.error})`}.
        </div>
      ))}
    </WarningPanel>
  );
}

function NoFunctionsYet(props: { createFunctionLink?: string }) {
  return (
    <EmptyState
      missing="content"
      title="No functions yet"
      description="No cluster runs a function yet. Create one from a template: the portal opens the pull request that deploys it."
      action={
        props.createFunctionLink ? (
          <LinkButton
            to={props.createFunctionLink}
            color="primary"
            variant="contained"
          >
            Create a function
          </LinkButton>
        ) : undefined
      }
    />
  );
}
