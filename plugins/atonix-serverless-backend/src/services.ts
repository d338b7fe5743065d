import {
  RootConfigService,
  UrlReaderService,
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { gitOpsSourceFromConfig } from '@internal/backstage-plugin-atonix-serverless-node';
import { GitOpsRepository } from './gitops/GitOpsRepository';
import { WatchTiming } from './inventory/ClusterWatcher';
import { FunctionInvoker } from './invoke/FunctionInvoker';
import { FluxSync } from './sync/FluxSync';
import { LokiLogs } from './loki/LokiLogs';
import { PrometheusMetrics } from './prometheus/PrometheusMetrics';
import {
  UpstreamClient,
  UpstreamClientOptions,
  queryTimeoutMs,
} from './upstream';

/**
 * The plugin's services and the config each reads. Prometheus and Loki readers are plugin-scoped
 * services (replaceable, e.g. in tests); the inventory and the fleet metrics are built in the
 * plugin's `init`, because they depend on the runtimes the extension point collects.
 */

/** A plugin-scoped service of an upstream client; `atonix.queryTimeoutSeconds` bounds each call. */
function upstreamClientServiceRef<T extends UpstreamClient>(
  id: string,
  Client: new (options: UpstreamClientOptions) => T,
) {
  return createServiceRef<T>({
    id,
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: { config: coreServices.rootConfig },
        factory: ({ config }) =>
          new Client({ timeoutMs: queryTimeoutMs(config) }),
      }),
  });
}

/** The metrics reader. */
export const prometheusMetricsServiceRef = upstreamClientServiceRef(
  'atonix-serverless.metrics',
  PrometheusMetrics,
);

/** The log reader. */
export const lokiLogsServiceRef = upstreamClientServiceRef(
  'atonix-serverless.logs',
  LokiLogs,
);

/** `atonix.inventory.*`: the watches' timing and how often the catalog is read for owners. */
export function readInventoryConfig(config: RootConfigService): {
  timing: Partial<WatchTiming>;
  catalogRefreshMs?: number;
} {
  const seconds = (key: string) => {
    const value = config.getOptionalNumber(`atonix.inventory.${key}`);
    return value === undefined ? undefined : value * 1000;
  };
  const timing: Partial<WatchTiming> = {};
  const idle = seconds('watchIdleTimeoutSeconds');
  const list = seconds('listTimeoutSeconds');
  const retry = seconds('retryBaseSeconds');
  if (idle !== undefined) timing.watchIdleTimeoutMs = idle;
  if (list !== undefined) timing.listTimeoutMs = list;
  if (retry !== undefined) timing.retryBaseMs = retry;
  return { timing, catalogRefreshMs: seconds('catalogRefreshSeconds') };
}

/** `atonix.fleetMetricsRefreshSeconds` (default 30), in milliseconds. */
export function fleetMetricsRefreshMs(config: RootConfigService): number {
  return (
    (config.getOptionalNumber('atonix.fleetMetricsRefreshSeconds') ?? 30) * 1000
  );
}

/**
 * `atonix.invoke.*` and `atonix.gitops`: the test-request invoker, "Sync now", the per-caller limit
 * of both, and the GitOps repository saved test events and traces are read from.
 */
export function readDayTwoConfig(
  config: RootConfigService,
  reader: UrlReaderService,
) {
  const gitops = config.getOptionalConfig('atonix.gitops');
  return {
    gitops: GitOpsRepository.create({
      source: gitops
        ? gitOpsSourceFromConfig(gitops, reader, 'atonix.gitops')
        : undefined,
    }),
    invoker: FunctionInvoker.create({
      timeoutMs:
        (config.getOptionalNumber('atonix.invoke.timeoutSeconds') ?? 10) * 1000,
      maxBodyBytes:
        config.getOptionalNumber('atonix.invoke.maxBodyBytes') ?? 65536,
    }),
    fluxSync: FluxSync.create({ timeoutMs: queryTimeoutMs(config) }),
    actionsPerMinute:
      config.getOptionalNumber('atonix.invoke.perUserPerMinute') ?? 30,
  };
}

/** `atonix.alerts.*`: how often Alertmanager is read and how long resolved alerts are kept, in ms. */
export function readAlertsConfig(config: RootConfigService): {
  refreshMs: number;
  resolvedRetentionMs: number;
} {
  return {
    refreshMs:
      (config.getOptionalNumber('atonix.alerts.refreshSeconds') ?? 30) * 1000,
    resolvedRetentionMs:
      (config.getOptionalNumber('atonix.alerts.resolvedRetentionHours') ?? 24) *
      3600_000,
  };
}
