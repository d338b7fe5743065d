import { ConfigReader } from '@backstage/config';
import { GitHubTestServer } from '@internal/atonix-test-servers';
import {
  PublishSettings,
  TrafficPullRequests,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OWNER } from './__testUtils__/localGit';
import {
  REPO_ROOT,
  TaskResult,
  startScaffolderBackend,
} from './__testUtils__/scaffolderBackend';

/**
 * The templates as production runs them (`atonix.scaffolder.publishTarget: github`): the real
 * scaffolder with Backstage's GitHub module, whose `publish:github:pull-request` talks to a GitHub
 * stand-in on 127.0.0.1 (`GitHubTestServer`: the REST calls that action makes, and git over HTTPS
 * for the GitOps checkout). The pull request's branch is read back with git, and as the portal's
 * traffic view reads it (`TrafficPullRequests`, octokit against the same stand-in).
 */

jest.setTimeout(180_000);

const TOKEN = 'ghp_test_token_for_the_github_test_server';
const GITOPS = `${OWNER}/gitops`;
const FUNCTION_YAML = 'gitops/functions/payments/charge-card/function.yaml';
const CHARGE_CARD = { team: 'payments', name: 'charge-card' };

describe('the templates, published to GitHub as pull requests', () => {
  let github: GitHubTestServer;
  let backend: Awaited<ReturnType<typeof startScaffolderBackend>>;
  const defaultCAs = getCACertificates('default');

  beforeAll(async () => {
    github = await GitHubTestServer.start({ token: TOKEN });
    // The git host's certificate is made for this run; the scaffolder's clones must trust it.
    setDefaultCACertificates([...defaultCAs, github.caCertificate]);
    await github.seedRepo(GITOPS, join(REPO_ROOT, 'gitops'), 'gitops');
    backend = await startScaffolderBackend(`https://${github.host}`, {
      github,
    });
    await backend.entityInCatalog('template', 'function-traffic');
  });

  afterAll(async () => {
    await backend?.stop();
    await github?.stop();
    setDefaultCACertificates(defaultCAs);
  });

  /** charge-card's function.yaml on its traffic pull request's branch. */
  async function branchSpec() {
    return parse(
      await github.gitIn(
        GITOPS,
        'show',
        `traffic-charge-card:${FUNCTION_YAML}`,
      ),
    );
  }

  /** What the traffic view reports now (a new lookup each time: no cached answer). */
  function trafficPullRequest(token = TOKEN) {
    const config = new ConfigReader(
      github.publishingConfig({ owner: OWNER, token }),
    );
    return TrafficPullRequests.fromConfig(config, {
      settings: PublishSettings.fromConfig(config),
    }).lookup(CHARGE_CARD);
  }

  function expectCompleted(result: TaskResult) {
    if (result.status !== 'completed') {
      throw new Error(`the task ${result.status}:\n${result.log}`);
    }
  }

  it('the traffic view shows no pull request while none is open', async () => {
    expect(await trafficPullRequest()).toEqual({});
  });

  it('function-traffic: opens a pull request whose branch carries the new split, and leaves main alone', async () => {
    const mainBefore = await github.gitIn(GITOPS, 'rev-parse', 'main');
    const result = await backend.runTemplate('function-traffic', {
      team: 'group:default/payments',
      function: 'component:default/charge-card',
      change: {
        action: 'split',
        traffic: [
          { revisionName: 'charge-card-v1', percent: 90 },
          { latestRevision: true, percent: 10, tag: 'canary' },
        ],
      },
    });
    expectCompleted(result);

    expect(github.pullRequests()).toEqual([
      {
        number: 1,
        owner: OWNER,
        repo: 'gitops',
        head: 'traffic-charge-card',
        base: 'main',
        title:
          'payments/charge-card: traffic charge-card-v1 90 %, latest 10 % (canary)',
        body: expect.stringContaining('function-traffic template'),
        draft: false,
        state: 'open',
        merged: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    const spec = await branchSpec();
    expect(spec.traffic).toEqual([
      { revisionName: 'charge-card-v1', percent: 90 },
      { latestRevision: true, percent: 10, tag: 'canary' },
    ]);
    expect(spec.revisionName).toBe('charge-card-v1');
    // One commit on top of main, with the trailers the portal's traffic view reads after the merge,
    // and nothing but the function's folder changed.
    expect(
      await github.gitIn(GITOPS, 'rev-parse', 'traffic-charge-card^'),
    ).toBe(mainBefore);
    expect(
      await github.gitIn(
        GITOPS,
        'log',
        '-1',
        '--format=%B',
        'traffic-charge-card',
      ),
    ).toContain('Atonix-Change: traffic\nRequested-By: user:default/guest');
    const changed = (
      await github.gitIn(
        GITOPS,
        'diff',
        '--name-only',
        'main',
        'traffic-charge-card',
      )
    )
      .trim()
      .split('\n');
    expect(changed).toEqual(
      expect.arrayContaining([
        FUNCTION_YAML,
        'gitops/functions/payments/charge-card/service.yaml',
      ]),
    );
    expect(
      changed.every(f =>
        f.startsWith('gitops/functions/payments/charge-card/'),
      ),
    ).toBe(true);
    expect(await github.gitIn(GITOPS, 'rev-parse', 'main')).toBe(mainBefore);
    // The task's output links the pull request (the template's "GitOps pull request" link).
    expect(result.stored).toContain(
      `https://${github.host}/${OWNER}/gitops/pull/1`,
    );
  });

  it('function-traffic: a second change updates the open pull request instead of failing', async () => {
    const result = await backend.runTemplate('function-traffic', {
      team: 'group:default/payments',
      function: 'component:default/charge-card',
      change: { action: 'rollback', revisionName: 'charge-card-v1' },
    });
    expectCompleted(result);
    expect(github.pullRequests()).toHaveLength(1);
    expect(github.pullRequests()[0].title).toBe(
      'payments/charge-card: traffic charge-card-v1 100 %',
    );
    const spec = await branchSpec();
    expect(spec.traffic).toEqual([
      { revisionName: 'charge-card-v1', percent: 100 },
    ]);
  });

  it('the traffic view shows the open pull request with the split its function.yaml proposes', async () => {
    expect(await trafficPullRequest()).toEqual({
      pullRequest: {
        number: 1,
        url: `https://${github.host}/${OWNER}/gitops/pull/1`,
        title: 'payments/charge-card: traffic charge-card-v1 100 %',
        traffic: [{ revisionName: 'charge-card-v1', percent: 100 }],
        openedAt: github.pullRequests()[0].createdAt,
      },
    });
  });

  it('the traffic view says why the pull request state is unknown when GitHub refuses, instead of failing', async () => {
    expect(await trafficPullRequest('ghp_revoked')).toEqual({
      pullRequestUnknown: expect.stringContaining('Bad credentials'),
    });
  });

  it('the traffic view shows nothing pending once the pull request is closed, or merged', async () => {
    await github.closePullRequest(1, { merge: false });
    expect(await trafficPullRequest()).toEqual({});

    // A new change opens a new pull request; merged, it is not pending on GitHub any more (main has it,
    // and the view's git side shows it pending until Flux applies it).
    expectCompleted(
      await backend.runTemplate('function-traffic', {
        team: 'group:default/payments',
        function: 'component:default/charge-card',
        change: {
          action: 'split',
          traffic: [
            { revisionName: 'charge-card-v1', percent: 50 },
            { latestRevision: true, percent: 50 },
          ],
        },
      }),
    );
    expect(await trafficPullRequest()).toEqual({
      pullRequest: expect.objectContaining({
        number: 2,
        traffic: [
          { revisionName: 'charge-card-v1', percent: 50 },
          { latestRevision: true, percent: 50 },
        ],
      }),
    });
    await github.closePullRequest(2, { merge: true });
    expect(await trafficPullRequest()).toEqual({});
    expect(await github.gitIn(GITOPS, 'rev-parse', 'main')).toBe(
      await github.gitIn(GITOPS, 'rev-parse', 'traffic-charge-card'),
    );
  });
});
