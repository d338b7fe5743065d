import { ConfigReader } from '@backstage/config';
import { PublishSettings } from './PublishSettings';

const settings = (scaffolder: Record<string, unknown>) =>
  PublishSettings.fromConfig(
    new ConfigReader({
      atonix: {
        scaffolder: {
          owner: 'atonixcorp',
          imageRegistry: 'ghcr.io/atonixcorp',
          gitops: { repo: 'atonix-serverless' },
          ...scaffolder,
        },
      },
    }),
  );

describe('PublishSettings.functionCommitUrl', () => {
  const commit = '229ba8aea2aecbb0af3a78d22215a150aede8056';

  it("is the commit's page in the function repository on GitHub, where its CI run is listed", () => {
    expect(
      settings({ publishTarget: 'github' }).functionCommitUrl(
        'charge-card',
        commit,
      ),
    ).toBe(`https://github.com/atonixcorp/charge-card/commit/${commit}`);
  });

  it('is nothing for the local git server, which has no pages and runs no CI', () => {
    expect(
      settings({
        publishTarget: 'local',
        localGitBaseUrl: 'http://127.0.0.1:7011',
      }).functionCommitUrl('charge-card', commit),
    ).toBeUndefined();
  });
});
