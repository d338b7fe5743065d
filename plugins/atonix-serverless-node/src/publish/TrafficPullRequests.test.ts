import { ConfigReader } from '@backstage/config';
import { GitHubTestServer } from '@internal/atonix-test-servers';
import { PublishSettings } from './PublishSettings';
import {
  TRAFFIC_PULL_REQUEST_FRESHNESS_MS,
  TrafficPullRequests,
} from './TrafficPullRequests';

/**
 * How often the traffic view asks GitHub. The pull requests the real template opens, closes and
 * merges are read in the scaffolder module's templates.github.test.ts; here only the cache.
 */

const TOKEN = 'ghp_test_token_for_the_github_test_server';
const HELLO = { team: 'payments', name: 'hello' };

describe('TrafficPullRequests', () => {
  it('reuses an answer for 15 s, then asks GitHub again and reports why it could not answer', async () => {
    const github = await GitHubTestServer.start({ token: TOKEN });
    const config = new ConfigReader({
      integrations: {
        github: [
          { host: github.host, apiBaseUrl: github.apiBaseUrl, token: TOKEN },
        ],
      },
      atonix: {
        scaffolder: {
          owner: 'AtonixCorp',
          githubHost: github.host,
          imageRegistry: 'ghcr.io/atonixcorp',
          gitops: { repo: 'gitops' },
        },
      },
    });
    let now = 1_000_000;
    const pullRequests = TrafficPullRequests.fromConfig(config, {
      settings: PublishSettings.fromConfig(config),
      now: () => now,
    });

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
    const config = new ConfigReader({
      integrations: { github: [] },
      atonix: {
        scaffolder: {
          owner: 'AtonixCorp',
          githubHost: 'git.atonix.invalid',
          imageRegistry: 'ghcr.io/atonixcorp',
          gitops: { repo: 'gitops' },
        },
      },
    });
    const pullRequests = TrafficPullRequests.fromConfig(config, {
      settings: PublishSettings.fromConfig(config),
    });
    expect(await pullRequests.lookup(HELLO)).toEqual({
      pullRequestUnknown:
        'Error: no integrations.github entry for git.atonix.invalid; add one with a token or GitHub App for the GitOps repository',
    });
  });
});
