import { ConfigReader } from '@backstage/config';
import { GitHubTestServer } from '@internal/atonix-test-servers';
import { createServer } from 'node:net';
import { PublishSettings } from './PublishSettings';
import {
  TRAFFIC_PULL_REQUEST_FRESHNESS_MS,
  TRAFFIC_PULL_REQUEST_TIMEOUT_MS,
  TrafficPullRequests,
} from './TrafficPullRequests';

/**
 * How often the traffic view asks GitHub. The pull requests the real template opens, closes and
 * merges are read in the scaffolder module's templates.github.test.ts; here the cache and the ways
 * GitHub can fail to answer.
 */

const TOKEN = 'ghp_test_token_for_the_github_test_server';
const HELLO = { team: 'payments', name: 'hello' };

/** The lookup for a GitOps repository on `host`, whose integration has the API at `apiBaseUrl` (none: no integration). */
function lookupFor(
  host: string,
  apiBaseUrl?: string,
  now?: () => number,
): TrafficPullRequests {
  const config = new ConfigReader({
    integrations: {
      github: apiBaseUrl ? [{ host, apiBaseUrl, token: TOKEN }] : [],
    },
    atonix: {
      scaffolder: {
        owner: 'AtonixCorp',
        githubHost: host,
        imageRegistry: 'ghcr.io/atonixcorp',
        gitops: { repo: 'gitops' },
      },
    },
  });
  return TrafficPullRequests.fromConfig(config, {
    settings: PublishSettings.fromConfig(config),
    now,
  });
}

describe('TrafficPullRequests', () => {
  it('reuses an answer for 15 s, then asks GitHub again and reports why it could not answer', async () => {
    const github = await GitHubTestServer.start({ token: TOKEN });
    let now = 1_000_000;
    const pullRequests = lookupFor(github.host, github.apiBaseUrl, () => now);

    expect(await pullRequests.lookup(HELLO)).toEqual({});
    await github.stop();

    now += TRAFFIC_PULL_REQUEST_FRESHNESS_MS - 1;
    expect(await pullRequests.lookup(HELLO)).toEqual({});

    now += 1;
    expect(await pullRequests.lookup(HELLO)).toEqual({
      pullRequestUnknown: expect.stringMatching(/ECONNREFUSED|fetch failed/),
    });
  });

  it('says which configuration is missing when no GitHub integration covers the GitOps repository', async () => {
    const pullRequests = lookupFor('git.atonix.invalid');
    expect(await pullRequests.lookup(HELLO)).toEqual({
      pullRequestUnknown:
        'Error: no integrations.github entry for git.atonix.invalid; add one with a token or GitHub App for the GitOps repository',
    });
  });

  it('gives up on a GitHub that does not answer after 5 s, and says so', async () => {
    const silent = createServer(() => {});
    await new Promise<void>(done => silent.listen(0, '127.0.0.1', done));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const state = await lookupFor(
        'git.atonix.invalid',
        `http://127.0.0.1:${port}`,
      ).lookup(HELLO);
      expect(state).toEqual({
        pullRequestUnknown: expect.stringMatching(/abort|timeout/i),
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(
        TRAFFIC_PULL_REQUEST_TIMEOUT_MS - 100,
      );
      expect(Date.now() - started).toBeLessThan(
        TRAFFIC_PULL_REQUEST_TIMEOUT_MS + 3000,
      );
    } finally {
      silent.close();
    }
  }, 15_000);
});
