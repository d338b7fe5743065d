import { promises as fs } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parseDocument, isMap, isSeq } from 'yaml';
import { FUNCTIONS_FOLDER } from './names';

/** Where a GitOps repository keeps the teams, relative to its `gitops/` folder. */
export const TENANTS_FOLDER = 'tenants';

/** The folder of one team relative to the `gitops/` folder: `tenants/<team>`. */
export function tenantFolderPath(team: string) {
  return posix.join(TENANTS_FOLDER, team);
}

/**
 * A team's `tenants/<team>/kustomization.yaml`: the shared `tenants/base` with the team's
 * namespace, label and the replacements that derive the rest (Group, functions path, target
 * namespace) from the namespace name, as every hand-written team folder has it.
 */
export function renderTenantKustomization(team: string): string {
  return `# The ${team} team, onboarded by the team-onboarding template. Everything else derives from the
# namespace name below (see ../payments/kustomization.yaml for the annotated original).
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${team} # the team's name
resources:
  - ../base
labels:
  - pairs:
      atonix.io/team: ${team} # the team's name
replacements:
  - source:
      kind: Namespace
      fieldPath: metadata.name
    targets:
      - select:
          kind: RoleBinding
          name: team-viewers
        fieldPaths:
          - subjects.[kind=Group].name
      - select:
          kind: RoleBinding
          name: flux-tenant
        fieldPaths:
          - subjects.[kind=ServiceAccount].namespace
      - select:
          group: kustomize.toolkit.fluxcd.io
          kind: Kustomization
          name: functions
        fieldPaths:
          - spec.targetNamespace
      - select:
          group: kustomize.toolkit.fluxcd.io
          kind: Kustomization
          name: functions
        fieldPaths:
          - spec.path
        options:
          delimiter: /
          index: 3
`;
}

/** The empty functions folder a new team's Flux sync points at, until its first function. */
const EMPTY_FUNCTIONS_KUSTOMIZATION = `# The functions of this team; \`yarn atonix render\` keeps this list sorted.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: []
`;

/** `tenants/kustomization.yaml` with `team` appended to its resources; comments are kept. */
export function addToTenantsKustomization(existing: string, team: string) {
  const doc = parseDocument(existing);
  const resources = isMap(doc.contents) ? doc.get('resources') : undefined;
  if (doc.errors.length > 0 || !isSeq(resources)) {
    throw new Error(
      `${TENANTS_FOLDER}/kustomization.yaml has no resources list to add the team to; fix it by hand first`,
    );
  }
  if (!(resources.toJSON() as unknown[]).map(String).includes(team)) {
    resources.add(team);
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * Writes a new team under `gitopsDir` (the repository's `gitops/` folder): `tenants/<team>/`, its
 * line in `tenants/kustomization.yaml` and an empty `functions/<team>/` for its Flux sync to
 * apply. Returns the paths written, relative to `gitopsDir`.
 */
export async function writeTenantFolder(
  gitopsDir: string,
  team: string,
): Promise<string[]> {
  const tenantFile = join(tenantFolderPath(team), 'kustomization.yaml');
  const tenantsFile = join(TENANTS_FOLDER, 'kustomization.yaml');
  const functionsFile = join(FUNCTIONS_FOLDER, team, 'kustomization.yaml');
  const tenants = addToTenantsKustomization(
    await fs.readFile(join(gitopsDir, tenantsFile), 'utf8'),
    team,
  );
  const files: Array<[string, string]> = [
    [tenantFile, renderTenantKustomization(team)],
    [tenantsFile, tenants],
  ];
  const hasFunctions = await fs.stat(join(gitopsDir, functionsFile)).then(
    () => true,
    () => false,
  );
  if (!hasFunctions) {
    files.push([functionsFile, EMPTY_FUNCTIONS_KUSTOMIZATION]);
  }
  for (const [file, content] of files) {
    await fs.mkdir(dirname(join(gitopsDir, file)), { recursive: true });
    await fs.writeFile(join(gitopsDir, file), content);
  }
  return files.map(([file]) => file);
}
