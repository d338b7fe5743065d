import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockWorkspace } from '../__testUtils__/workspace';
import { outputsOf } from '../__testUtils__/examples';
import { localSettings } from '../__testUtils__/localGit';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';
import { createPublishPlanAction } from './publishPlan';

describe('atonix:publish:plan', () => {
  it('points everything at the local git server in the local portal', async () => {
    const action = createPublishPlanAction({
      settings: localSettings('http://127.0.0.1:7011'),
    });
    const ctx = createMockActionContext({
      input: { repoName: 'charge-card' },
      workspacePath: mockWorkspace().path,
    });
    await action.handler(ctx as any);
    expect(outputsOf(ctx)).toEqual({
      target: 'local',
      local: true,
      github: false,
      repoUrl: '127.0.0.1:7011?owner=AtonixCorp&repo=charge-card',
      remoteUrl: 'http://127.0.0.1:7011/AtonixCorp/charge-card.git',
      repoWebUrl: 'http://127.0.0.1:7011/AtonixCorp/charge-card',
      catalogInfoUrl:
        'http://127.0.0.1:7011/AtonixCorp/charge-card.git/raw/main/catalog-info.yaml',
      imageRepository: 'ghcr.io/atonixcorp/charge-card',
      gitopsRepoUrl: '127.0.0.1:7011?owner=AtonixCorp&repo=gitops',
      gitopsRemoteUrl: 'http://127.0.0.1:7011/AtonixCorp/gitops.git',
      gitopsWebUrl: 'http://127.0.0.1:7011/AtonixCorp/gitops',
    });
  });

  it('uses GitHub repositories in production', async () => {
    const settings = PublishSettings.fromConfig(
      new ConfigReader({
        atonix: {
          scaffolder: {
            publishTarget: 'github',
            owner: 'AtonixCorp',
            imageRegistry: 'ghcr.io/atonixcorp',
            gitops: { repo: 'atonix-serverless' },
          },
        },
      }),
    );
    const ctx = createMockActionContext({
      input: { repoName: 'charge-card' },
      workspacePath: mockWorkspace().path,
    });
    await createPublishPlanAction({ settings }).handler(ctx as any);
    expect(outputsOf(ctx)).toMatchObject({
      local: false,
      github: true,
      repoUrl: 'github.com?owner=AtonixCorp&repo=charge-card',
      repoWebUrl: 'https://github.com/AtonixCorp/charge-card',
      catalogInfoUrl:
        'https://github.com/AtonixCorp/charge-card/blob/main/catalog-info.yaml',
      gitopsRepoUrl: 'github.com?owner=AtonixCorp&repo=atonix-serverless',
    });
  });

  it('refuses a local target without the local git server URL', () => {
    expect(() =>
      localSettings('http://127.0.0.1:7011', { localGitBaseUrl: undefined }),
    ).toThrow(/localGitBaseUrl is required/);
  });
});
