import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  FUNCTION_RUNTIMES,
  FunctionRuntime,
  RuntimeAvailability,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { readdir } from 'node:fs/promises';

/**
 * What a cluster runs unless `atonix.clusters.<cluster>.runtimes` says otherwise: what gitops/
 * installs on every cluster. Knative Serving reconciles Knative Services; OpenFaaS is Community
 * Edition, which has no Function operator (`controllers/openfaas-pro` is opt-in), so an OpenFaaS
 * Function written there would never run.
 */
export const DEFAULT_CLUSTER_RUNTIMES: readonly FunctionRuntime[] = ['knative'];

/**
 * The runtimes each cluster provides (`atonix.clusters.<cluster>.runtimes`). Every cluster of the
 * GitOps repository syncs every team's functions folder, so a function must run on all of them:
 * a runtime one cluster lacks is refused before anything is written.
 */
export class ClusterRuntimes {
  readonly #configured: ReadonlyMap<string, readonly FunctionRuntime[]>;

  static fromConfig(config: Config): ClusterRuntimes {
    const configured = new Map<string, FunctionRuntime[]>();
    const clusters = config.getOptionalConfig('atonix.clusters');
    if (!clusters) {
      return new ClusterRuntimes(configured);
    }
    for (const name of clusters.keys()) {
      const runtimes = clusters.getOptionalStringArray(`${name}.runtimes`);
      if (runtimes === undefined) {
        continue;
      }
      const unknown = runtimes.filter(
        r => !(FUNCTION_RUNTIMES as readonly string[]).includes(r),
      );
      if (unknown.length > 0) {
        throw new InputError(
          `atonix.clusters.${name}.runtimes lists ${unknown.join(
            ', ',
          )}; the runtimes are ${FUNCTION_RUNTIMES.join(', ')}`,
        );
      }
      configured.set(name, runtimes as FunctionRuntime[]);
    }
    return new ClusterRuntimes(configured);
  }

  private constructor(configured: Map<string, FunctionRuntime[]>) {
    this.#configured = configured;
  }

  /** The runtimes of `cluster`: its configured list, else what gitops/ installs. */
  runtimesOf(cluster: string): readonly FunctionRuntime[] {
    return this.#configured.get(cluster) ?? DEFAULT_CLUSTER_RUNTIMES;
  }

  /**
   * Whether every one of `clusters` and of the configured clusters runs `runtime`; when one does
   * not, which and what to do instead. With no cluster known at all, what gitops/ installs decides.
   * The template form asks this (with the clusters the portal watches) before a run, and
   * {@link ClusterRuntimes.assertProvided} again in the run, with the clusters of the checkout.
   */
  availability(
    runtime: FunctionRuntime,
    clusters: readonly string[] = [],
  ): RuntimeAvailability {
    const known = [
      ...new Set([...clusters, ...this.#configured.keys()]),
    ].sort();
    const lacking = (known.length > 0 ? known : ['every cluster']).filter(
      cluster => !this.runtimesOf(cluster).includes(runtime),
    );
    if (lacking.length === 0) {
      return { runtime, provided: true };
    }
    const where = lacking.join(', ');
    return {
      runtime,
      provided: false,
      reason:
        runtime === 'openfaas'
          ? `runtime: openfaas needs the OpenFaaS Pro operator, which ${where} does not run (gitops/ installs OpenFaaS Community Edition, which never runs a Function object). ` +
            `Create the function with the knative-http-function template instead (same src/handler.js). ` +
            `A platform team with an OpenFaaS licence adds the openfaas-pro component to that cluster (gitops/README.md, "Known limits") and lists openfaas in atonix.clusters.<cluster>.runtimes.`
          : `runtime: ${runtime} is not provided by ${where} (atonix.clusters.<cluster>.runtimes); pick a runtime every cluster runs`,
    };
  }

  /**
   * Refuses `runtime` when any cluster of the GitOps checkout (the folders of `gitops/clusters`,
   * and every configured cluster) lacks it, naming those clusters and what to do instead.
   */
  async assertProvided(runtime: FunctionRuntime, clustersDir: string) {
    const inCheckout = await readdir(clustersDir, { withFileTypes: true })
      .then(entries => entries.filter(e => e.isDirectory()).map(e => e.name))
      .catch(() => []);
    const availability = this.availability(runtime, inCheckout);
    if (!availability.provided) {
      throw new InputError(availability.reason!);
    }
  }
}
