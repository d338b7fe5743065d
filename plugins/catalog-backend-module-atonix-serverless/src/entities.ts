import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  ComponentEntity,
  EntityLink,
  GroupEntity,
  ResourceEntity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_CRITICAL,
  ANNOTATION_DRIFT,
  ANNOTATION_DRIFT_REASON,
  ANNOTATION_GITOPS_ERROR,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_GITOPS_VIEW,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_RUNTIME,
  ANNOTATION_TEAM,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FunctionDriftStatus,
  UnmanagedFunction,
  unmanagedReason,
} from './drift/compareWithClusters';
import { FUNCTION_FILE_NAME } from '@internal/backstage-plugin-atonix-serverless-node';
import {
  GitOpsFunction,
  GitOpsFunctionProblem,
} from './gitops/readGitOpsCatalog';

/** What every entity of the provider needs besides its own data. */
export interface EntityContext {
  /** The catalog location ref of a path of the GitOps repository. */
  locationRef(path: string): string;
  /** Browsable root of the GitOps repository, for links. */
  gitopsWebUrl?: string;
  /** A function repository's address with `{name}` and `{team}` to fill in. */
  functionRepositoryUrl?: string;
  /** `spec.parent` of every team Group. */
  groupParent?: string;
}

/**
 * The annotations of a function's Component that its GitOps folder and the clusters decide:
 * {@link GitOpsFunctionProcessor} sets them from the folder's entity on whichever entity registers
 * the function.
 */
export const GITOPS_FUNCTION_ANNOTATIONS: readonly string[] = [
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_RUNTIME,
  ANNOTATION_TEAM,
  ANNOTATION_GITOPS_PATH,
  ANNOTATION_CRITICAL,
  ANNOTATION_DRIFT,
  ANNOTATION_DRIFT_REASON,
  ANNOTATION_GITOPS_ERROR,
  ANNOTATION_GITOPS_VIEW,
];

/** The namespace Resource a team owns, by team name. */
export function namespaceResourceName(team: string): string {
  return `${team}-namespace`;
}

function managedBy(location: string): Record<string, string> {
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}

function functionRepository(
  context: EntityContext,
  team: string,
  name: string,
): string | undefined {
  return context.functionRepositoryUrl
    ?.replaceAll('{name}', name)
    .replaceAll('{team}', team);
}

/** The link to a folder of the GitOps repository, none when its web address is not configured. */
function gitopsLinks(context: EntityContext, folder: string): EntityLink[] {
  if (!context.gitopsWebUrl) {
    return [];
  }
  return [
    {
      url: `${context.gitopsWebUrl.replace(/\/+$/, '')}/${folder}`,
      title: 'Deployment manifests (GitOps)',
      icon: 'github',
    },
  ];
}

function sourceAnnotationAndLink(
  context: EntityContext,
  team: string,
  name: string,
): { annotations: Record<string, string>; links: EntityLink[] } {
  const repository = functionRepository(context, team, name);
  if (!repository) {
    return { annotations: {}, links: [] };
  }
  return {
    annotations: { [ANNOTATION_SOURCE_LOCATION]: `url:${repository}` },
    links: [{ url: repository, title: 'Source repository', icon: 'github' }],
  };
}

export function driftAnnotations(
  drift?: FunctionDriftStatus,
): Record<string, string> {
  return drift
    ? {
        [ANNOTATION_DRIFT]: drift.drift,
        [ANNOTATION_DRIFT_REASON]: drift.reason,
      }
    : {};
}

function functionComponent(options: {
  team: string;
  name: string;
  location: string;
  description?: string;
  lifecycle: string;
  annotations: Record<string, string>;
  links: EntityLink[];
  tags: string[];
}): ComponentEntity {
  const { team, name } = options;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      ...(options.description && { description: options.description }),
      tags: options.tags,
      annotations: {
        ...managedBy(options.location),
        [ANNOTATION_KUBERNETES_ID]: name,
        [ANNOTATION_KUBERNETES_NAMESPACE]: team,
        [ANNOTATION_TEAM]: team,
        ...options.annotations,
      },
      links: options.links,
    },
    spec: {
      type: 'function',
      lifecycle: options.lifecycle,
      owner: `group:${team}`,
      dependsOn: [`resource:${namespaceResourceName(team)}`],
    },
  };
}

/**
 * The Component of a function folder. Lifecycle comes from the spec: a critical function is kept
 * warm because something depends on it in production (`production`); any other is `experimental`.
 */
export function functionEntity(
  fn: GitOpsFunction,
  context: EntityContext,
  drift?: FunctionDriftStatus,
): ComponentEntity {
  const { spec, folder } = fn;
  const source = sourceAnnotationAndLink(context, spec.team, spec.name);
  return functionComponent({
    team: spec.team,
    name: spec.name,
    location: context.locationRef(`${folder}/${FUNCTION_FILE_NAME}`),
    description: spec.description,
    lifecycle: spec.critical ? 'production' : 'experimental',
    tags: [spec.runtime, spec.trigger.type],
    annotations: {
      [ANNOTATION_RUNTIME]: spec.runtime,
      [ANNOTATION_GITOPS_PATH]: folder,
      [ANNOTATION_CRITICAL]: String(spec.critical),
      ...source.annotations,
      ...driftAnnotations(drift),
    },
    links: [...gitopsLinks(context, folder), ...source.links],
  });
}

/**
 * A function folder that could not be read. Its Component carries the reason, which the
 * module's processor turns into a processing error: a function that was fine before keeps its
 * last good entity with the error on it; a new one shows up in the catalog's failed entities.
 */
export function brokenFunctionEntity(
  problem: GitOpsFunctionProblem,
  context: EntityContext,
): ComponentEntity {
  return functionComponent({
    team: problem.team,
    name: problem.name,
    location: context.locationRef(problem.file),
    lifecycle: 'experimental',
    tags: [],
    annotations: {
      [ANNOTATION_GITOPS_PATH]: problem.folder,
      [ANNOTATION_GITOPS_ERROR]: `${problem.file} ${problem.reason}`,
    },
    links: gitopsLinks(context, problem.folder),
  });
}

/** A function that runs in a cluster without a folder in the GitOps repository. */
export function unmanagedFunctionEntity(
  fn: UnmanagedFunction,
  context: EntityContext,
): ComponentEntity {
  const source = sourceAnnotationAndLink(context, fn.team, fn.name);
  return functionComponent({
    team: fn.team,
    name: fn.name,
    location: `atonix-cluster:${fn.placements[0]}/${fn.name}`,
    lifecycle: 'experimental',
    tags: [fn.status.runtime],
    annotations: {
      [ANNOTATION_RUNTIME]: fn.status.runtime,
      [ANNOTATION_CRITICAL]: String(fn.status.critical),
      [ANNOTATION_KUBERNETES_NAMESPACE]: fn.status.namespace,
      ...source.annotations,
      [ANNOTATION_DRIFT]: 'not-in-gitops',
      [ANNOTATION_DRIFT_REASON]: unmanagedReason(fn),
    },
    links: source.links,
  });
}

/**
 * Where every entity of a team's tenant (`gitops/tenants/<team>`) comes from: the folder, its
 * location annotations (the folder's kustomization.yaml) and the link to it.
 */
function tenantSource(team: string, context: EntityContext) {
  const folder = `gitops/tenants/${team}`;
  return {
    folder,
    location: managedBy(context.locationRef(`${folder}/kustomization.yaml`)),
    links: gitopsLinks(context, folder),
  };
}

/** The Group of a team with a tenant in `gitops/tenants/<team>`. */
export function teamGroupEntity(
  team: string,
  context: EntityContext,
): GroupEntity {
  const { location, links } = tenantSource(team, context);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: team,
      description: `Team ${team}: owns namespace ${team} and the functions in gitops/functions/${team}`,
      annotations: { ...location, [ANNOTATION_TEAM]: team },
      links,
    },
    spec: {
      type: 'team',
      children: [],
      ...(context.groupParent && { parent: context.groupParent }),
    },
  };
}

/** The namespace of a tenant, owned by the team's Group (whichever source that Group comes from). */
export function teamNamespaceEntity(
  team: string,
  context: EntityContext,
): ResourceEntity {
  const { folder, location, links } = tenantSource(team, context);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: namespaceResourceName(team),
      title: `${team} namespace`,
      description: `Kubernetes namespace of team ${team}, with its quota, RBAC, network policies, Broker and Flux tenant (${folder})`,
      annotations: {
        ...location,
        [ANNOTATION_KUBERNETES_NAMESPACE]: team,
        [ANNOTATION_TEAM]: team,
      },
      links,
    },
    spec: {
      type: 'kubernetes-namespace',
      owner: `group:${team}`,
    },
  };
}
