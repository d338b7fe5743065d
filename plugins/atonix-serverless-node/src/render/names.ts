import { posix } from 'node:path';
import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';

/** The folder of the GitOps repository that holds everything Flux reads (clusters, tenants, functions). */
export const GITOPS_REPOSITORY_FOLDER = 'gitops';

/** Where a GitOps repository keeps the functions, relative to its `gitops/` folder. */
export const FUNCTIONS_FOLDER = 'functions';

/** The spec file in every function folder; read by the validator and the catalog provider. */
export const FUNCTION_FILE_NAME = 'function.yaml';

/**
 * The folder of one function relative to the `gitops/` folder: `functions/<team>/<name>`. The
 * spec schema has already restricted both names to DNS labels, so neither can climb out of the
 * functions tree.
 */
export function functionFolderPath(spec: Pick<FunctionSpec, 'team' | 'name'>) {
  return posix.join(FUNCTIONS_FOLDER, spec.team, spec.name);
}

/**
 * The Prometheus series a custom scaling query is recorded as. prometheus-adapter serves every
 * `atonix_scaling_*` series to the HPA as a per-pod custom metric of the same name.
 */
export function customMetricName(spec: Pick<FunctionSpec, 'name'>) {
  return `atonix_scaling_${spec.name.replace(/-/g, '_')}`;
}
