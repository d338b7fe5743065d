/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectRejected"] }] */
import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cp, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  RABBITMQ_CLUSTER_FILE,
  TOPOLOGY_ALLOWED_NAMESPACES,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { localSettings } from '../__testUtils__/localGit';
import { paymentsMemberTeams } from '../__testUtils__/teams';
import { createTeamOnboardAction } from './teamOnboard';

/** The tenants of this checkout (written by hand): the shape onboarding must reproduce. */
const REPO_GITOPS = resolve(__dirname, '../../../../gitops');

describe('atonix:team:onboard', () => {
  let workspace: ReturnType<typeof mockWorkspace>;

  beforeEach(async () => {
    workspace = mockWorkspace({
      content: { 'gitops-repo/gitops/tenants/legacy/kustomization.yaml': '{}' },
    });
    for (const path of ['tenants', RABBITMQ_CLUSTER_FILE]) {
      await cp(
        join(REPO_GITOPS, path),
        join(workspace.path, 'gitops-repo/gitops', path),
        { recursive: true },
      );
    }
  });

  async function run(input: Record<string, string>, isDryRun = false) {
    const ctx = {
      ...createMockActionContext({
        input: { alertEmail: 'search-oncall@example.com', ...input },
        workspacePath: workspace.path,
        user: { ref: 'user:default/guest' },
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
    input: Record<string, string>,
    message: RegExp,
  ) {
    const before = workspace.content();
    await expect(run(input)).rejects.toThrow(message);
    expect(workspace.content()).toEqual(before);
  }

  it('writes the tenant, an empty functions folder and the Group entity', async () => {
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
    ).toMatchObject({ kind: 'Kustomization', resources: [] });
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

  it('copies just the files it wrote into changesPath, for a pull request', async () => {
    await run({ team: 'search', changesPath: 'gitops-changes' });
    expect(workspace.content({ path: 'gitops-changes' })).toEqual({
      catalog: { teams: { 'search.yaml': expect.any(String) } },
      gitops: {
        functions: { search: { 'kustomization.yaml': expect.any(String) } },
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
