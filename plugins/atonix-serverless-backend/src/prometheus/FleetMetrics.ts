import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FunctionFleetMetrics,
  FunctionRuntime,
  Unavailable,
  isUnavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import type { FunctionRuntimeModule } from '../extensions';
import { BUILT_IN_RUNTIMES } from '../runtimes';
import { PeriodicRefresh } from '../util/PeriodicRefresh';
import {
  NO_FLEET_FIGURES,
  PrometheusMetrics,
  fleetMetricsKey,
} from './PrometheusMetrics';

/** What the fleet list reads: the latest snapshot's figures of one function. */
export interface FleetMetricsView {
  /** Changes whenever a snapshot is replaced, so sorted lists cached by it stay correct. */
  readonly version: number;
  of(
    cluster: string,
    fn: { runtime: FunctionRuntime; namespace: string; name: string },
  ): FunctionFleetMetrics | Unavailable;
}

/** How to build {@link FleetMetrics}. */
export interface FleetMetricsOptions {
  clusters: AtonixCluster[];
  metrics: PrometheusMetrics;
  logger: LoggerService;
  /** Whose fleet queries to run; default the built-in Knative and OpenFaaS modules. */
  runtimes?: FunctionRuntimeModule[];
}

/**
 * Request rate, error rate, p95 and cold starts of every function, read from each cluster's Prometheus in the
 * background every `refreshMs` (a handful of queries per cluster, whatever the fleet's size) and
 * kept in memory: the fleet list sorts and shows them without calling Prometheus, so it stays as
 * fast as the inventory. A failed refresh replaces the cluster's figures with the reason, so the
 * list never shows old figures as current ones.
 */
export class FleetMetrics extends PeriodicRefresh implements FleetMetricsView {
  readonly #clusters: AtonixCluster[];
  readonly #metrics: PrometheusMetrics;
  readonly #runtimes: FunctionRuntimeModule[];
  readonly #logger: LoggerService;
  readonly #snapshots = new Map<
    string,
    Map<string, FunctionFleetMetrics> | Unavailable
  >();
  #version = 0;

  static create(options: FleetMetricsOptions): FleetMetrics {
    return new FleetMetrics(options);
  }

  private constructor(options: FleetMetricsOptions) {
    super(error =>
      options.logger.warn(`Could not refresh the fleet metrics: ${error}`),
    );
    this.#clusters = options.clusters;
    this.#metrics = options.metrics;
    this.#runtimes = options.runtimes ?? BUILT_IN_RUNTIMES;
    this.#logger = options.logger;
  }

  get version(): number {
    return this.#version;
  }

  /** Reads every cluster's snapshot. */
  protected async read(): Promise<void> {
    await Promise.all(
      this.#clusters.map(async cluster => {
        const snapshot = await this.#metrics.fleetMetrics(
          cluster,
          this.#runtimes,
        );
        if (isUnavailable(snapshot)) {
          this.#logger.debug(
            `Fleet metrics of cluster ${cluster.name} are unavailable: ${snapshot.unavailable}`,
          );
        }
        this.#snapshots.set(cluster.name, snapshot);
        this.#version++;
      }),
    );
  }

  of(
    cluster: string,
    fn: { runtime: FunctionRuntime; namespace: string; name: string },
  ): FunctionFleetMetrics | Unavailable {
    const snapshot = this.#snapshots.get(cluster);
    if (!snapshot) {
      return {
        unavailable: `The metrics of cluster "${cluster}" have not been read from Prometheus yet`,
      };
    }
    if (isUnavailable(snapshot)) {
      return snapshot;
    }
    return snapshot.get(fleetMetricsKey(fn)) ?? NO_FLEET_FIGURES;
  }
}
