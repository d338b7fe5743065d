import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { GitHubTestServer } from '@internal/atonix-test-servers';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  PublishSettings,
  TrafficPullRequests,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { resolve } from 'node:path';
import { GitopsTraffic } from './GitopsTraffic';

/**
 * The traffic view with `publishTarget: github`: the split from the GitOps repository's main branch
 * (cloned over HTTPS from the GitHub stand-in) and, beside it, what GitHub says about the function's
 * traffic pull request. Pull requests the real template opens are read in the scaffolder module's
 * templates.github.test.ts, and through the route in traffic.test.ts; here, that a GitHub API
 * failure leaves the rest of the view standing.
 */

jest.setTimeout(60_000);

const TOKEN = 'ghp_test_token_for_the_github_test_server';
const FIXTURE_TREE = resolve(
  __dirname,
  '../../../atonix-serverless-node/src/__fixtures__/valid',
);
const HELLO = { team: 'payments', name: 'hello' } as FunctionStatus;

describe('GitopsTraffic with publishTarget github', () => {
  let github: GitHubTestServer;
  const defaultCAs = getCACertificates('default');

  beforeAll(async () => {
    github = await GitHubTestServer.start({ token: TOKEN });
    setDefaultCACertificates([...defaultCAs, github.caCertificate]);
    await github.seedRepo('AtonixCorp/gitops', FIXTURE_TREE, 'gitops');
  });

  afterAll(async () => {
    await github?.stop();
    setDefaultCACertificates(defaultCAs);
  });

  function trafficWithApiAt(apiBaseUrl: string) {
    const config = new ConfigReader(github.publishingConfig({ apiBaseUrl }));
    const settings = PublishSettings.fromConfig(config);
    return GitopsTraffic.create({
      settings,
      logger: mockServices.logger.mock(),
      pullRequests: TrafficPullRequests.fromConfig(config, { settings }),
    });
  }

  it('shows the split in git and no pull request while none is open', async () => {
    const view = await trafficWithApiAt(github.apiBaseUrl).view(HELLO);
    expect(view).toEqual({
      file: 'gitops/functions/payments/hello/function.yaml',
      revisionName: 'hello-v1',
      traffic: [{ latestRevision: true, percent: 100 }],
      namedRevisions: ['hello-v1'],
    });
  });

  it('keeps the split in git and says why the pull request state is unknown when the GitHub API fails', async () => {
    // The git host answers; the API on a port nothing listens on does not.
    const view = await trafficWithApiAt('http://127.0.0.1:1').view(HELLO);
    expect(view).toEqual({
      file: 'gitops/functions/payments/hello/function.yaml',
      revisionName: 'hello-v1',
      traffic: [{ latestRevision: true, percent: 100 }],
      namedRevisions: ['hello-v1'],
      pullRequestUnknown: expect.stringMatching(/ECONNREFUSED|fetch failed/),
    });
  });
});
