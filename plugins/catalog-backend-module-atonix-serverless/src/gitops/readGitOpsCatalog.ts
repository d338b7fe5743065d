import {
  FUNCTION_SPEC_API_VERSION,
  FUNCTION_SPEC_KIND,
  FunctionSpec,
  parseFunctionSpec,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { parseDocument } from 'yaml';
import { GitOpsFile } from './GitOpsSource';

const FUNCTIONS_ROOT = 'gitops/functions';
const TENANTS_ROOT = 'gitops/tenants';
/** The spec file of a function folder, next to the manifests rendered from it. */
export const FUNCTION_FILE = 'function.yaml';

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

type YamlResult = { ok: true; value: unknown } | { ok: false; reason: string };

function parseYaml(content: string): YamlResult {
  const document = parseDocument(content);
  if (document.errors.length > 0) {
    return {
      ok: false,
      reason: `is not valid YAML: ${document.errors[0].message.split('\n')[0]}`,
    };
  }
  return { ok: true, value: document.toJS() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one `function.yaml`: the `atonix.io/v1alpha1` `Function` envelope around a spec, the spec
 * itself through the one parser of the function model, and the folder's place in the tree (a
 * function lives in `gitops/functions/<its team>/<its name>`).
 */
function readFunctionFile(
  folder: string,
  team: string,
  name: string,
  content: string | undefined,
): GitOpsFunction | GitOpsFunctionProblem {
  const file = `${folder}/${FUNCTION_FILE}`;
  const problem = (reason: string) => ({ folder, team, name, file, reason });
  if (content === undefined) {
    return problem(
      `is missing: every function folder needs the spec it was rendered from (apiVersion ${FUNCTION_SPEC_API_VERSION}, kind ${FUNCTION_SPEC_KIND}); render the folder again with \`yarn atonix render\` or the scaffolder`,
    );
  }
  const parsed = parseYaml(content);
  if (!parsed.ok) {
    return problem(parsed.reason);
  }
  const document = parsed.value;
  if (
    !isRecord(document) ||
    document.apiVersion !== FUNCTION_SPEC_API_VERSION ||
    document.kind !== FUNCTION_SPEC_KIND
  ) {
    return problem(
      `is not a function spec: expected apiVersion ${FUNCTION_SPEC_API_VERSION} and kind ${FUNCTION_SPEC_KIND}`,
    );
  }
  const result = parseFunctionSpec(document.spec);
  if (!result.success) {
    return problem(
      result.issues
        .map(issue => `spec.${issue.path}: ${issue.message}`)
        .join('; '),
    );
  }
  const { spec } = result;
  if (spec.team !== team || spec.name !== name) {
    return problem(
      `describes function ${spec.team}/${spec.name} but lies in ${folder}; move the folder to ${FUNCTIONS_ROOT}/${spec.team}/${spec.name} or correct spec.team and spec.name`,
    );
  }
  return { folder, spec };
}

/**
 * The teams the tenants folder applies: each folder listed in `gitops/tenants/kustomization.yaml`
 * whose own kustomization sets the team's `namespace` (shared folders such as `base` set none).
 */
function readTeams(files: Map<string, string>): string[] {
  const root = files.get(`${TENANTS_ROOT}/kustomization.yaml`);
  const parsedRoot = root === undefined ? undefined : parseYaml(root);
  if (!parsedRoot?.ok || !isRecord(parsedRoot.value)) {
    return [];
  }
  const resources = parsedRoot.value.resources;
  const teams = new Set<string>();
  for (const resource of Array.isArray(resources) ? resources : []) {
    if (typeof resource !== 'string' || !/^[a-z0-9-]+$/.test(resource)) {
      continue;
    }
    const kustomization = files.get(
      `${TENANTS_ROOT}/${resource}/kustomization.yaml`,
    );
    const parsed =
      kustomization === undefined ? undefined : parseYaml(kustomization);
    if (
      parsed?.ok &&
      isRecord(parsed.value) &&
      typeof parsed.value.namespace === 'string'
    ) {
      teams.add(parsed.value.namespace);
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
    if (match) {
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
      byPath.get(`${folder}/${FUNCTION_FILE}`),
    );
    if ('spec' in result) {
      functions.push(result);
    } else {
      problems.push(result);
    }
  }
  return { functions, problems, teams: readTeams(byPath) };
}
