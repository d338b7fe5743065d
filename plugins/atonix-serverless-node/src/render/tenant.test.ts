import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLUSTERS, REPO_ROOT, kustomize } from '../__testUtils__/kustomize';
import { PAYMENTS_TEST_RECIPIENTS } from '../__testUtils__/sopsTools';
import { creationRuleFor, parseSopsConfig } from '../sops/sopsConfig';
import {
  RABBITMQ_CLUSTER_FILE,
  TOPOLOGY_ALLOWED_NAMESPACES,
  addToTopologyAllowedNamespaces,
  writeTenantFolder,
} from './tenant';

const REPO_GITOPS = join(REPO_ROOT, 'gitops');

/** Throwaway test keys, one per cluster (payments' keys, reused for the new team). */
const SEARCH_KEYS = PAYMENTS_TEST_RECIPIENTS;

describe('writeTenantFolder', () => {
  let gitopsDir: string;

  beforeAll(async () => {
    gitopsDir = await mkdtemp(join(tmpdir(), 'tenant-test-'));
    await cp(join(REPO_GITOPS, 'tenants'), join(gitopsDir, 'tenants'), {
      recursive: true,
    });
    await cp(
      join(REPO_GITOPS, RABBITMQ_CLUSTER_FILE),
      join(gitopsDir, RABBITMQ_CLUSTER_FILE),
    );
    await cp(join(REPO_GITOPS, '.sops.yaml'), join(gitopsDir, '.sops.yaml'));
    for (const cluster of CLUSTERS) {
      await mkdir(join(gitopsDir, 'clusters', cluster), { recursive: true });
    }
  });
  afterAll(() => rm(gitopsDir, { recursive: true, force: true }));

  it('adds a team that builds like the hand-written ones, with an empty functions folder', async () => {
    const written = await writeTenantFolder(
      gitopsDir,
      'search',
      'search@example.com',
      SEARCH_KEYS,
    );
    expect(written.sort()).toEqual([
      '.sops.yaml',
      'functions/search/kustomization.yaml',
      RABBITMQ_CLUSTER_FILE,
      'tenants/kustomization.yaml',
      'tenants/search/kustomization.yaml',
    ]);
    expect(
      parse(
        await readFile(join(gitopsDir, 'tenants/kustomization.yaml'), 'utf8'),
      ).resources,
    ).toContain('search');

    const objects: any[] = await kustomize(join(gitopsDir, 'tenants/search'));
    expect(objects).toContainEqual(
      expect.objectContaining({
        kind: 'Namespace',
        metadata: expect.objectContaining({ name: 'search' }),
      }),
    );
    const sync = objects.find(
      o => o.kind === 'Kustomization' && o.metadata.name === 'functions',
    );
    expect(sync.spec).toMatchObject({
      path: './gitops/functions/search',
      targetNamespace: 'search',
    });
  });

  it("adds the team's SOPS creation rule, to each cluster's key, keeping the other teams' rules", async () => {
    const config = parseSopsConfig(
      await readFile(join(gitopsDir, '.sops.yaml'), 'utf8'),
    );
    expect(
      creationRuleFor(config, 'functions/search/secrets/ghcr-pull.sops.yaml')
        ?.age,
    ).toEqual([SEARCH_KEYS.production, SEARCH_KEYS.staging]);
    expect(
      creationRuleFor(config, 'functions/payments/secrets/x.sops.yaml')?.age,
    ).toHaveLength(2);
  });

  it("puts the team on the shared RabbitMQ's topology allow-list, keeping the teams there and the comments", async () => {
    const text = await readFile(join(gitopsDir, RABBITMQ_CLUSTER_FILE), 'utf8');
    expect(parse(text).metadata.annotations[TOPOLOGY_ALLOWED_NAMESPACES]).toBe(
      'payments,analytics,search',
    );
    expect(text).toContain('# The shared RabbitMQ');
  });

  it("routes the team's warning and critical alerts to its own address", async () => {
    const objects: any[] = await kustomize(join(gitopsDir, 'tenants/search'));
    const config = objects.find(o => o.kind === 'AlertmanagerConfig');
    expect(config.metadata.namespace).toBe('search');
    expect(config.spec.route).toMatchObject({
      receiver: 'team',
      matchers: [
        { name: 'team', value: 'search', matchType: '=' },
        { name: 'severity', value: 'warning|critical', matchType: '=~' },
      ],
    });
    expect(config.spec.receivers).toEqual([
      {
        name: 'team',
        emailConfigs: [{ to: 'search@example.com', sendResolved: true }],
      },
    ]);
  });

  it('refuses an alert address that is not one e-mail address, writing nothing', async () => {
    await expect(
      writeTenantFolder(
        gitopsDir,
        'billing',
        'ops@example.com\n  evil: true',
        SEARCH_KEYS,
      ),
    ).rejects.toThrow(
      /alertEmail "ops@example.com\\n {2}evil: true" must be one e-mail address/,
    );
    await expect(
      readFile(join(gitopsDir, 'tenants/billing/kustomization.yaml'), 'utf8'),
    ).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [
      'a cluster without a key',
      'billing',
      { staging: SEARCH_KEYS.staging },
      'ageRecipients: give one age public key per cluster of gitops/clusters (production, staging); missing: production',
    ],
    [
      'a key for no cluster',
      'billing',
      { ...SEARCH_KEYS, dev: SEARCH_KEYS.staging },
      'ageRecipients: give one age public key per cluster of gitops/clusters (production, staging); not a cluster: dev',
    ],
    [
      'a private key',
      'billing',
      { ...SEARCH_KEYS, production: 'AGE-SECRET-KEY-1QQQ' },
      /^ageRecipients.production: "AGE-SECRET-KEY-1QQQ" is a private key/,
    ],
    [
      'a team whose SOPS rule exists already',
      'search',
      SEARCH_KEYS,
      /gitops\/.sops.yaml has a creation rule for .*functions\/search\/secrets.* already/,
    ],
  ])('refuses %s, writing nothing', async (_what, team, keys, message) => {
    const before = await readFile(
      join(gitopsDir, 'tenants/kustomization.yaml'),
      'utf8',
    );
    await expect(
      writeTenantFolder(gitopsDir, team, `${team}@example.com`, keys),
    ).rejects.toThrow(message);
    expect(
      await readFile(join(gitopsDir, 'tenants/kustomization.yaml'), 'utf8'),
    ).toBe(before);
  });

  it("refuses a RabbitmqCluster that lets every namespace in ('*') rather than widen it", () => {
    const everyone = `apiVersion: rabbitmq.com/v1beta1
kind: RabbitmqCluster
metadata:
  name: events
  annotations:
    ${TOPOLOGY_ALLOWED_NAMESPACES}: '*'
`;
    expect(() => addToTopologyAllowedNamespaces(everyone, 'search')).toThrow(
      /allows every namespace \('\*'\).*list the teams instead/,
    );
  });

  it('refuses a file that is not a RabbitmqCluster with the annotation', () => {
    expect(() =>
      addToTopologyAllowedNamespaces('kind: ConfigMap\n', 'search'),
    ).toThrow(
      `${RABBITMQ_CLUSTER_FILE} is not a RabbitmqCluster with a ${TOPOLOGY_ALLOWED_NAMESPACES} annotation`,
    );
  });
});
