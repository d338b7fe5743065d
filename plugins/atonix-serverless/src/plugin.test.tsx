import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { atonixServerlessPlugin } from './plugin';
import { atonixServerlessLegacyPlugin } from './legacy';
import { chargeCardEntity } from './testing/fixtures';

const service = {
  ...chargeCardEntity,
  metadata: { name: 'checkout' },
  spec: { type: 'service' },
};

describe('atonixServerlessPlugin', () => {
  it('adds a Serverless tab to function entities only', () => {
    const tester = createExtensionTester(
      atonixServerlessPlugin.getExtension(
        'entity-content:atonix-serverless/serverless',
      ),
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Serverless',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(chargeCardEntity)).toBe(true);
    expect(filter(service)).toBe(false);
  });

  it('adds the overview card to function entities only', () => {
    const filter = createExtensionTester(
      atonixServerlessPlugin.getExtension(
        'entity-card:atonix-serverless/serverless',
      ),
    ).get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(chargeCardEntity)).toBe(true);
    expect(filter(service)).toBe(false);
  });

  it('has the same id on the legacy frontend system', () => {
    expect(atonixServerlessLegacyPlugin.getId()).toBe('atonix-serverless');
  });
});
