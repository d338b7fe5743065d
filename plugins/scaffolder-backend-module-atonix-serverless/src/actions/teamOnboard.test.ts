/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRejected"] }] */
import { mockServices } from '@backstage/backend-test-utils';
import { mockWorkspace, refusalOf } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  RABBITMQ_CLUSTER_FILE,
  TOPOLOGY_ALLOWED_NAMESPACES,
  creationRuleFor,
  parseSopsConfig,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { outputsOf } from '../__testUtils__/examples';
import { localSettings } from '../__testUtils__/localGit';
import {
  TEST_AGE_RECIPIENTS,
  paymentsMemberTeams,
} from '../__testUtils__/teams';
import { createTeamOnboardAction } from './teamOnboard';

/** The tenants of this checkout (written by hand): the shape onboarding must reproduce. */
const REPO_GITOPS = resolve(__dirname, '../../../../gitops');

const TOKEN = 'ghp_ThrowawayRegistryToken0123456789abcd';
const PULL_SECRET =
  'gitops-repo/gitops/functions/search/secrets/ghcr-pull.sops.yaml';

describe('atonix:team:onboard', () => {
  let workspace: ReturnType<typeof mockWorkspace>;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(async () => {
    logger = mockServices.logger.mock();
    workspace = mockWorkspace({
      content: { 'gitops-repo/gitops/tenants/legacy/kustomization.yaml': '{}' },
    });
    for (const path of ['tenants', RABBITMQ_CLUSTER_FILE, '.sops.yaml']) {
      await cp(
        join(REPO_GITOPS, path),
        join(workspace.path, 'gitops-repo/gitops', path),
        { recursive: true },
      );
    }
    for (const cluster of Object.keys(TEST_AGE_RECIPIENTS)) {
      await mkdir(
        join(
          workspace.path,
          'gitops-repo/gitops/clusters',
          cluster,
          'flux-system',
        ),
        { recursive: true },
      );
    }
  });

  async function run(input: Record<string, unknown>, isDryRun = false) {
    const ctx = {
      ...createMockActionContext({
        input: {
          alertEmail: 'search-oncall@example.com',
          ageRecipients: TEST_AGE_RECIPIENTS,
          ...input,
        } as any,
        workspacePath: workspace.path,
        user: { ref: 'user:default/guest' },
        logger,
      }),
      isDryRun,
    };
    await createTeamOnboardAction({
      settings: localSettings('http://127.0.0.1:7011'),
      teams: paymentsMemberTeams(),
    }).handler(ctx as any);
    return ctx;
  }

  async function expectRejected(
    input: Record<string, unknown>,
    message: RegExp | string,
  ) {
    const error = await refusalOf(workspace, () => run(input));
    expect(error.message).toMatch(message);
  }

  it("writes the tenant, the team's functions folder with its Flux Receiver token, and the Group entity", async () => {
    const ctx = await run({
      team: 'search',
      description: 'Search and recommendations',
      parent: 'group:default/platform',
    });
    const repo = join(workspace.path, 'gitops-repo');
    const tenant = parse(
      await readFile(
        join(repo, 'gitops/tenants/search/kustomization.yaml'),
        'utf8',
      ),
    );
    expect(tenant).toMatchObject({
      namespace: 'search',
      resources: ['../base'],
    });
    expect(
      parse(
        await readFile(join(repo, 'gitops/tenants/kustomization.yaml'), 'utf8'),
      ).resources,
    ).toContain('search');
    expect(
      parse(
        await readFile(
          join(repo, 'gitops/functions/search/kustomization.yaml'),
          'utf8',
        ),
      ),
    ).toMatchObject({ kind: 'Kustomization', resources: ['secrets'] });
    // The token the Receiver of tenants/base reads, SOPS-encrypted to the team's keys.
    const token = parse(
      await readFile(
        join(
          repo,
          'gitops/functions/search/secrets/flux-receiver-token.sops.yaml',
        ),
        'utf8',
      ),
    );
    expect(token).toMatchObject({
      kind: 'Secret',
      metadata: { name: 'flux-receiver-token', namespace: 'search' },
      stringData: { token: expect.stringMatching(/^ENC\[AES256_GCM,/) },
    });
    expect(
      token.sops.age.map((a: { recipient: string }) => a.recipient),
    ).toEqual([TEST_AGE_RECIPIENTS.production, TEST_AGE_RECIPIENTS.staging]);
    expect(
      parse(await readFile(join(repo, 'gitops', RABBITMQ_CLUSTER_FILE), 'utf8'))
        .metadata.annotations[TOPOLOGY_ALLOWED_NAMESPACES],
    ).toBe('payments,analytics,search');
    expect(
      parse(await readFile(join(repo, 'catalog/teams/search.yaml'), 'utf8')),
    ).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'search', description: 'Search and recommendations' },
      spec: {
        type: 'team',
        parent: 'platform',
        children: [],
        members: ['guest'],
      },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'groupUrl',
      'http://127.0.0.1:7011/AtonixCorp/gitops.git/raw/main/catalog/teams/search.yaml',
    );
  });

  it("adds the team's SOPS creation rule, to its key on each cluster, keeping the file's comments", async () => {
    await run({ team: 'search' });
    const text = await readFile(
      join(workspace.path, 'gitops-repo/gitops/.sops.yaml'),
      'utf8',
    );
    expect(text).toContain('# THESE RECIPIENTS ARE THROWAWAY TEST KEYS.');
    expect(
      creationRuleFor(
        parseSopsConfig(text),
        'functions/search/secrets/ghcr-pull.sops.yaml',
      ),
    ).toEqual({
      pathRegex: '(^|/)functions/search/secrets/[^/]+\\.sops\\.yaml$',
      encryptedRegex: '^(data|stringData)$',
      age: [TEST_AGE_RECIPIENTS.production, TEST_AGE_RECIPIENTS.staging],
    });
  });

  it("writes the team's ghcr-pull Secret, SOPS-encrypted to the team's keys, when given a registry token", async () => {
    const ctx = await run({
      team: 'search',
      registryUsername: 'atonix-bot',
      registryToken: TOKEN,
    });
    const file = parse(
      await readFile(join(workspace.path, PULL_SECRET), 'utf8'),
    );
    expect(file).toMatchObject({
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'ghcr-pull', namespace: 'search' },
      stringData: {
        '.dockerconfigjson': expect.stringMatching(/^ENC\[AES256_GCM,/),
      },
    });
    expect(
      file.sops.age.map((a: { recipient: string }) => a.recipient),
    ).toEqual([TEST_AGE_RECIPIENTS.production, TEST_AGE_RECIPIENTS.staging]);
    expect(
      parse(
        await readFile(
          join(
            workspace.path,
            'gitops-repo/gitops/functions/search/kustomization.yaml',
          ),
          'utf8',
        ),
      ).resources,
    ).toEqual(['secrets']);
    expect(ctx.output).toHaveBeenCalledWith(
      'files',
      expect.arrayContaining([
        'gitops/functions/search/secrets/ghcr-pull.sops.yaml',
        'gitops/functions/search/secrets/kustomization.yaml',
        'gitops/.sops.yaml',
      ]),
    );
  });

  it('writes the registry token nowhere in clear: not in a file, a log line, an output or an error', async () => {
    const ctx = await run({
      team: 'search',
      registryUsername: 'atonix-bot',
      registryToken: TOKEN,
      changesPath: 'gitops-changes',
    });
    const base64 = Buffer.from(`atonix-bot:${TOKEN}`).toString('base64');
    const said = () =>
      JSON.stringify([
        ...Object.values(logger).flatMap(fn =>
          jest.isMockFunction(fn) ? fn.mock.calls : [],
        ),
        outputsOf(ctx),
      ]);
    expect(said()).toContain('search');
    for (const secret of [TOKEN, base64]) {
      expect(JSON.stringify(workspace.content())).not.toContain(secret);
      expect(said()).not.toContain(secret);
    }
    const error = await run({
      team: 'billing',
      registryToken: TOKEN,
    }).catch(e => e);
    expect(error.message).toMatch(
      /registryUsername: required with registryToken/,
    );
    expect(`${error.message} ${error.stack}`).not.toContain(TOKEN);
  });

  it('writes no pull Secret in a dry run, which has no secrets', async () => {
    await run(
      { team: 'search', registryUsername: 'atonix-bot', registryToken: TOKEN },
      true,
    );
    expect(
      workspace.content({ path: 'gitops-repo/gitops/functions/search' }),
    ).toEqual({
      'kustomization.yaml': expect.any(String),
      secrets: {
        'kustomization.yaml': expect.any(String),
        'flux-receiver-token.sops.yaml': expect.any(String),
      },
    });
  });

  it('copies just the files it wrote into changesPath, for a pull request', async () => {
    await run({ team: 'search', changesPath: 'gitops-changes' });
    expect(workspace.content({ path: 'gitops-changes' })).toEqual({
      catalog: { teams: { 'search.yaml': expect.any(String) } },
      gitops: {
        '.sops.yaml': expect.stringContaining('functions/search/secrets'),
        functions: {
          search: {
            'kustomization.yaml': expect.any(String),
            secrets: {
              'kustomization.yaml': expect.any(String),
              'flux-receiver-token.sops.yaml': expect.any(String),
            },
          },
        },
        infrastructure: {
          configs: {
            base: {
              rabbitmq: {
                'rabbitmq-cluster.yaml': expect.stringContaining(
                  'payments,analytics,search',
                ),
              },
            },
          },
        },
        tenants: {
          'kustomization.yaml': expect.stringContaining('- search'),
          search: { 'kustomization.yaml': expect.any(String) },
        },
      },
    });
  });

  it('writes only inside the workspace in a dry run', async () => {
    await run({ team: 'search' }, true);
    expect(
      workspace.content({ path: 'gitops-repo/catalog/teams' }),
    ).toHaveProperty(['search.yaml']);
  });

  describe('rejects, writing nothing,', () => {
    it.each([
      ['an invalid name', 'Search_Team', /team: team must be lower-case/],
      ['a reserved name', 'kube-system', /reserved for the platform/],
      [
        'a name too long for Kubernetes',
        'a'.repeat(64),
        /at most 63 characters/,
      ],
      [
        'path traversal in the name',
        '../../etc',
        /team: team must be lower-case/,
      ],
    ])('%s', async (_what, team, message) => {
      await expectRejected({ team }, message);
    });

    it('an alert address that is not one e-mail address', async () => {
      await expectRejected(
        { team: 'search', alertEmail: 'oncall, ops@example.com' },
        /alertEmail: "oncall, ops@example.com" must be one e-mail address/,
      );
    });

    it('a team that exists in the catalog', async () => {
      await expectRejected(
        { team: 'payments' },
        /team "payments" exists already/,
      );
    });

    it('a team that exists in the GitOps repository', async () => {
      await expectRejected(
        { team: 'legacy' },
        /gitops\/tenants\/legacy exists already/,
      );
    });

    it('a key that is not an age public key, naming the cluster', async () => {
      await expectRejected(
        {
          team: 'search',
          ageRecipients: {
            ...TEST_AGE_RECIPIENTS,
            production: 'ssh-ed25519 AAAA',
          },
        },
        /ageRecipients.production: "ssh-ed25519 AAAA" is not an age X25519 public key/,
      );
    });

    it('keys that do not match the clusters of gitops/clusters', async () => {
      await expectRejected(
        {
          team: 'search',
          ageRecipients: { staging: TEST_AGE_RECIPIENTS.staging },
        },
        'ageRecipients: give one age public key per cluster of gitops/clusters (production, staging); missing: production',
      );
    });

    it('a team that has a SOPS creation rule already', async () => {
      const sopsConfig = join(workspace.path, 'gitops-repo/gitops/.sops.yaml');
      await writeFile(
        sopsConfig,
        `${await readFile(
          sopsConfig,
          'utf8',
        )}  - path_regex: (^|/)functions/search/secrets/[^/]+\\.sops\\.yaml$\n    age: ${
          TEST_AGE_RECIPIENTS.staging
        }\n`,
      );
      await expectRejected(
        { team: 'search' },
        /gitops\/.sops.yaml has a creation rule for .*functions\/search\/secrets.* already; edit its recipients there/,
      );
    });

    it('an unknown parent team', async () => {
      await expectRejected(
        { team: 'search', parent: 'group:default/nowhere' },
        /team "nowhere" is not a Group in the catalog/,
      );
    });

    it('path traversal in the checkout path', async () => {
      await expectRejected({ team: 'search', repoPath: '../..' }, /outside/);
    });

    it('path traversal in the changes path', async () => {
      await expectRejected(
        { team: 'search', changesPath: '../../tmp' },
        /outside/,
      );
    });
  });
});
