import {
  formatFunctionSpecIssues,
  FunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FUNCTION_FILE_NAME,
  FUNCTIONS_FOLDER,
  TEAM_SECRETS_FOLDER,
  parseFunctionFile,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { parseDocument } from 'yaml';
import { GitOpsFile } from '@internal/backstage-plugin-atonix-serverless-node';

const FUNCTIONS_ROOT = `gitops/${FUNCTIONS_FOLDER}`;
const TENANTS_ROOT = 'gitops/tenants';

/** A function folder whose `function.yaml` is a valid spec. */
export interface GitOpsFunction {
  /** `gitops/functions/<team>/<name>` */
  folder: string;
  spec: FunctionSpec;
}

/** A function folder that could not be read: which file, and why, in words a user can act on. */
export interface GitOpsFunctionProblem {
  folder: string;
  team: string;
  name: string;
  file: string;
  reason: string;
}

/** What the catalog takes from the GitOps repository. */
export interface GitOpsCatalog {
  functions: GitOpsFunction[];
  problems: GitOpsFunctionProblem[];
  /** Teams with a tenant: namespace, RBAC and Flux sync (`gitops/tenants/<team>`). */
  teams: string[];
}

/** A kustomization's content, or undefined when it is not valid YAML (Flux reports that itself). */
function readKustomization(content: string | undefined): unknown {
  if (content === undefined) {
    return undefined;
  }
  const document = parseDocument(content);
  return document.errors.length > 0 ? undefined : document.toJS();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one `function.yaml` with the function model's own parser, and checks the folder's place in
 * the tree: a function lives in `gitops/functions/<its team>/<its name>`.
 */
function readFunctionFile(
  folder: string,
  team: string,
  name: string,
  content: string | undefined,
): GitOpsFunction | GitOpsFunctionProblem {
  const file = `${folder}/${FUNCTION_FILE_NAME}`;
  const problem = (reason: string) => ({ folder, team, name, file, reason });
  if (content === undefined) {
    return problem(
      `is missing: every function folder needs the spec its manifests are rendered from; render the folder again with \`yarn atonix render\` or the scaffolder`,
    );
  }
  const result = parseFunctionFile(content);
  if (!result.success) {
    return problem(formatFunctionSpecIssues(result.issues));
  }
  const { spec } = result;
  if (spec.team !== team || spec.name !== name) {
    return problem(
      `describes function ${spec.team}/${spec.name} but lies in ${folder}; move the folder to ${FUNCTIONS_ROOT}/${spec.team}/${spec.name} or correct team and name`,
    );
  }
  return { folder, spec };
}

/**
 * The teams the tenants folder applies: each folder listed in `gitops/tenants/kustomization.yaml`
 * whose own kustomization sets the team's `namespace` (shared folders such as `base` set none).
 */
function readTeams(files: Map<string, string>): string[] {
  const root = readKustomization(
    files.get(`${TENANTS_ROOT}/kustomization.yaml`),
  );
  if (!isRecord(root)) {
    return [];
  }
  const resources = root.resources;
  const teams = new Set<string>();
  for (const resource of Array.isArray(resources) ? resources : []) {
    if (typeof resource !== 'string' || !/^[a-z0-9-]+$/.test(resource)) {
      continue;
    }
    const kustomization = readKustomization(
      files.get(`${TENANTS_ROOT}/${resource}/kustomization.yaml`),
    );
    if (
      isRecord(kustomization) &&
      typeof kustomization.namespace === 'string'
    ) {
      teams.add(kustomization.namespace);
    }
  }
  return [...teams].sort();
}

/** Turns the files of the GitOps repository into functions, problems and teams. */
export function readGitOpsCatalog(files: GitOpsFile[]): GitOpsCatalog {
  const byPath = new Map(files.map(file => [file.path, file.content]));
  const folders = new Map<string, { team: string; name: string }>();
  for (const { path } of files) {
    const match = /^gitops\/functions\/([^/]+)\/([^/]+)\/./.exec(path);
    // A team's SOPS-encrypted Secrets sit beside its functions, in a folder no function can take.
    if (match && match[2] !== TEAM_SECRETS_FOLDER) {
      folders.set(`${FUNCTIONS_ROOT}/${match[1]}/${match[2]}`, {
        team: match[1],
        name: match[2],
      });
    }
  }
  const functions: GitOpsFunction[] = [];
  const problems: GitOpsFunctionProblem[] = [];
  const sorted = [...folders].sort(([a], [b]) => a.localeCompare(b));
  for (const [folder, { team, name }] of sorted) {
    const result = readFunctionFile(
      folder,
      team,
      name,
      byPath.get(`${folder}/${FUNCTION_FILE_NAME}`),
    );
    if ('spec' in result) {
      functions.push(result);
    } else {
      problems.push(result);
    }
  }
  return { functions, problems, teams: readTeams(byPath) };
}
