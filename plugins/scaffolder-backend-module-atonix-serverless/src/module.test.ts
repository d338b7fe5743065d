import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAtonixActions } from './actions';
import { scaffolderModuleAtonixServerless } from './module';

describe('scaffolderModuleAtonixServerless', () => {
  it('registers its actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleAtonixServerless],
    });

    expect(addActions).toHaveBeenCalledTimes(1);
    const ids = addActions.mock.calls[0].map((a: { id: string }) => a.id);
    expect(ids).toEqual(createAtonixActions().map(a => a.id));
    expect(ids.every((id: string) => id.startsWith('atonix:'))).toBe(true);
  });
});
