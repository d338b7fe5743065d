import { promises as fs } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { parseDocument, isMap, isSeq } from 'yaml';
import { z } from 'zod';
import { FUNCTIONS_FOLDER } from './names';
import { SOPS_CONFIG_FILE } from '../sops/sopsConfig';
import { teamCreationRule } from '../sops/writeTeamSecret';

/** Where a GitOps repository keeps the teams, relative to its `gitops/` folder. */
export const TENANTS_FOLDER = 'tenants';

/**
 * The shared RabbitMQ cluster, relative to the `gitops/` folder, and its annotation listing the
 * namespaces whose RabbitmqSources may declare topology on it. The messaging topology operator
 * (v1.20.1, `rabbitmqclient/cluster_reference.go:144-160`) splits the value on "," without trimming
 * and refuses any other namespace, so a team missing here gets no queue and its events never arrive.
 */
export const RABBITMQ_CLUSTER_FILE =
  'infrastructure/configs/base/rabbitmq/rabbitmq-cluster.yaml';
export const TOPOLOGY_ALLOWED_NAMESPACES =
  'rabbitmq.com/topology-allowed-namespaces';

/** The folder of one team relative to the `gitops/` folder: `tenants/<team>`. */
export function tenantFolderPath(team: string) {
  return posix.join(TENANTS_FOLDER, team);
}

/**
 * The address a team's warning and critical alerts are mailed to (its receiver, declared in its
 * tenant folder). One plain address: it is written into YAML as is.
 */
export const teamAlertEmailSchema = z.email(
  'must be one e-mail address, e.g. payments-oncall@example.com',
);

/**
 * A team's `tenants/<team>/kustomization.yaml`: the shared `tenants/base` with the team's
 * namespace, label and the replacements that derive the rest (Group, functions path, target
 * namespace, alert route) from the namespace name, as every hand-written team folder has it, and
 * the address the team's alerts are sent to.
 */
export function renderTenantKustomization(
  team: string,
  alertEmail: string,
): string {
  const email = teamAlertEmailSchema.safeParse(alertEmail);
  if (!email.success) {
    throw new Error(
      `alertEmail ${JSON.stringify(alertEmail)} ${
        email.error.issues[0].message
      }`,
    );
  }
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
      - select:
          kind: AlertmanagerConfig
          name: team-alerts
        fieldPaths:
          - spec.route.matchers.[name=team].value
# Where the team's warning and critical alerts are sent (../base/alerting.yaml).
patches:
  - target:
      kind: AlertmanagerConfig
      name: team-alerts
    patch: |
      - op: add
        path: /spec/receivers/0/emailConfigs
        value:
          - to: ${alertEmail} # the team's alert address
            sendResolved: true
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
 * The shared RabbitmqCluster's file with `team` on its topology allow-list; comments are kept and a
 * team already listed changes nothing.
 */
export function addToTopologyAllowedNamespaces(existing: string, team: string) {
  const doc = parseDocument(existing);
  const path = ['metadata', 'annotations', TOPOLOGY_ALLOWED_NAMESPACES];
  const current = doc.errors.length === 0 ? doc.getIn(path) : undefined;
  if (doc.get('kind') !== 'RabbitmqCluster' || typeof current !== 'string') {
    throw new Error(
      `${RABBITMQ_CLUSTER_FILE} is not a RabbitmqCluster with a ${TOPOLOGY_ALLOWED_NAMESPACES} annotation to add the team to; fix it by hand first`,
    );
  }
  const teams = current.split(',').filter(entry => entry !== '');
  if (teams.includes('*')) {
    throw new Error(
      `${RABBITMQ_CLUSTER_FILE} allows every namespace ('*') to declare topology on the shared RabbitMQ; list the teams instead`,
    );
  }
  if (!teams.includes(team)) {
    doc.setIn(path, [...teams, team].join(','));
  }
  return doc.toString({ lineWidth: 0 });
}

/**
 * Writes a new team under `gitopsDir` (the repository's `gitops/` folder): `tenants/<team>/`, its
 * line in `tenants/kustomization.yaml`, its entry on the shared RabbitMQ's topology allow-list (so
 * its RabbitMQ-sourced functions work from the onboarding merge on) and an empty
 * `functions/<team>/` for its Flux sync to apply, and its creation rule in `.sops.yaml` (the public
 * age key of each cluster, `ageRecipients`), so its Secrets can be encrypted from the first day.
 * Everything is checked before the first file is written. Returns the paths written, relative to
 * `gitopsDir`.
 */
export async function writeTenantFolder(
  gitopsDir: string,
  team: string,
  alertEmail: string,
  ageRecipients: Record<string, string>,
): Promise<string[]> {
  const tenantFile = join(tenantFolderPath(team), 'kustomization.yaml');
  const tenantsFile = join(TENANTS_FOLDER, 'kustomization.yaml');
  const functionsFile = join(FUNCTIONS_FOLDER, team, 'kustomization.yaml');
  const tenants = addToTenantsKustomization(
    await fs.readFile(join(gitopsDir, tenantsFile), 'utf8'),
    team,
  );
  const rabbitmqCluster = await fs
    .readFile(join(gitopsDir, RABBITMQ_CLUSTER_FILE), 'utf8')
    .catch(() => {
      throw new Error(
        `${RABBITMQ_CLUSTER_FILE} is missing, so the team cannot be given RabbitMQ topology rights; restore the shared RabbitmqCluster first`,
      );
    });
  const rabbitmq = addToTopologyAllowedNamespaces(rabbitmqCluster, team);
  const files: Array<[string, string]> = [
    [tenantFile, renderTenantKustomization(team, alertEmail)],
    [tenantsFile, tenants],
    [RABBITMQ_CLUSTER_FILE, rabbitmq],
    [SOPS_CONFIG_FILE, await teamCreationRule(gitopsDir, team, ageRecipients)],
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
