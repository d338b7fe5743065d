/**
 * Annotations and labels that tie a catalog entity to the function it describes. The
 * `backstage.io/kubernetes-*` pair is the stock Kubernetes plugin's, so its tab works beside ours;
 * everything of our own carries the `atonix.io/` prefix.
 */

/** The stock Kubernetes plugin's id annotation; also a label on the Knative Service and its pods. */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
/** The stock Kubernetes plugin's namespace annotation. */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/** Prefix of every annotation and label this product owns. */
export const ATONIX_PREFIX = 'atonix.io';

/** The function's runtime: `knative` or `openfaas`. */
export const ANNOTATION_RUNTIME = `${ATONIX_PREFIX}/runtime`;
/** The team that owns the function; also the namespace it runs in. */
export const ANNOTATION_TEAM = `${ATONIX_PREFIX}/team`;
/** The function's folder in the GitOps repository, e.g. `gitops/functions/payments/charge`. */
export const ANNOTATION_GITOPS_PATH = `${ATONIX_PREFIX}/gitops-path`;
/** `"true"` when the function is critical and therefore exempt from scale to zero. */
export const ANNOTATION_CRITICAL = `${ATONIX_PREFIX}/critical`;
/**
 * The function's own cold-start objective in milliseconds (`objectives.coldStartP95Ms` in its
 * function.yaml), on its Knative Service only when the spec sets one: the backend compares the
 * measured wait with it, and with the default of the function's kind without it.
 */
export const ANNOTATION_COLD_START_OBJECTIVE = `${ATONIX_PREFIX}/cold-start-objective-ms`;
/**
 * The teams a Knative function admits besides its own (`allowedCallers` in its function.yaml),
 * sorted and comma-separated, on its Knative Service: the Kourier gateway's authorizer
 * (platform/caller-authz) reads it there. Written by the renderer only; the validator checks it
 * matches function.yaml (rule `allowed-callers`).
 */
export const ANNOTATION_ALLOWED_CALLERS = `${ATONIX_PREFIX}/allowed-callers`;
/**
 * How the GitOps repository and the clusters agree about a function (see {@link FunctionDrift});
 * set by the catalog provider only while it can read the clusters' inventory.
 */
export const ANNOTATION_DRIFT = `${ATONIX_PREFIX}/drift`;
/** One sentence on the drift: which cluster, which folder, and what to check. */
export const ANNOTATION_DRIFT_REASON = `${ATONIX_PREFIX}/drift-reason`;
/**
 * Why a function folder in the GitOps repository could not be read (file and reason). The catalog
 * module turns it into a processing error of the entity, so it never reaches a processed entity.
 */
export const ANNOTATION_GITOPS_ERROR = `${ATONIX_PREFIX}/gitops-error`;
/**
 * On a function entity registered from the function's own repository: which view of its GitOps
 * folder and the clusters the catalog module merged into it (a digest, or `none` without a folder).
 * The module's provider reads it back to tell whether the catalog holds its current view.
 */
export const ANNOTATION_GITOPS_VIEW = `${ATONIX_PREFIX}/gitops-view`;

/**
 * `in-sync`: in the GitOps repository and running in every cluster checked. `not-running`: in the
 * GitOps repository but missing from at least one cluster. `not-in-gitops`: running in a cluster,
 * or registered from a function repository's `catalog-info.yaml`, with no folder in the GitOps
 * repository.
 */
export type FunctionDrift = 'in-sync' | 'not-running' | 'not-in-gitops';
