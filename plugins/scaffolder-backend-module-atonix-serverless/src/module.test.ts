import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { localScaffolderConfig } from './__testUtils__/localGit';
import { scaffolderModuleAtonixServerless } from './module';

describe('scaffolderModuleAtonixServerless', () => {
  it('registers its actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleAtonixServerless,
        mockServices.rootConfig.factory({
          data: localScaffolderConfig('http://127.0.0.1:7011'),
        }),
        catalogServiceMock.factory(),
      ],
    });

    expect(addActions).toHaveBeenCalledTimes(1);
    const ids = addActions.mock.calls[0].map((a: { id: string }) => a.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'atonix:function:manifests',
        'atonix:gitops:validate',
        'atonix:team:onboard',
        'atonix:publish:plan',
        'atonix:gitops:clone',
        'atonix:publish:local',
        'atonix:gitops:commit',
      ]),
    );
    expect(ids.every((id: string) => id.startsWith('atonix:'))).toBe(true);
  });
});
