import { ConfigReader } from '@backstage/config';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { paymentsMemberTeams } from '../__testUtils__/teams';
import { MINIMAL_GITOPS_TREE, mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './functionManifests.examples';
import { createFunctionManifestsAction } from './functionManifests';
import { ClusterRuntimes } from '@internal/backstage-plugin-atonix-serverless-node';

describe('atonix:function:manifests examples', () => {
  it.each(exampleInputs(examples, 'atonix:function:manifests'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace({
        content: { 'gitops-repo/gitops': MINIMAL_GITOPS_TREE },
      });
      const outputs = await runAction(
        createFunctionManifestsAction({
          teams: paymentsMemberTeams(),
          clusterRuntimes: ClusterRuntimes.fromConfig(new ConfigReader({})),
        }),
        input,
        workspace.path,
      );
      const { gitopsPath } = outputs;
      const name = (input.spec as { name: string }).name;
      expect(gitopsPath).toBe(`gitops/functions/payments/${name}`);
      expect(
        existsSync(
          join(workspace.path, 'gitops-repo', `${gitopsPath}`, 'function.yaml'),
        ),
      ).toBe(true);
    },
  );
});
