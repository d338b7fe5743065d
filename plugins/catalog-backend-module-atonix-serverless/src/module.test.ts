import { startTestBackend } from '@backstage/backend-test-utils';
import {
  EntityProvider,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { FunctionEntityProvider } from './FunctionEntityProvider';
import { catalogModuleAtonixServerless } from './module';

describe('catalogModuleAtonixServerless', () => {
  it('adds the function entity provider to the catalog', async () => {
    const providers: EntityProvider[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (...p: EntityProvider[]) =>
              providers.push(...p.flat()),
          },
        ],
      ],
      features: [catalogModuleAtonixServerless],
    });

    expect(providers.map(p => p.getProviderName())).toEqual([
      'atonix-serverless-functions',
    ]);
  });

  it('refuses to refresh before the catalog has connected it', async () => {
    await expect(new FunctionEntityProvider().refresh()).rejects.toThrow(
      'atonix-serverless-functions is not connected to the catalog yet',
    );
  });
});
