import { RABBITMQ_CLUSTER_FILE } from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { localSettings } from '../__testUtils__/localGit';
import { paymentsMemberTeams } from '../__testUtils__/teams';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './teamOnboard.examples';
import { createTeamOnboardAction } from './teamOnboard';

describe('atonix:team:onboard examples', () => {
  it.each(exampleInputs(examples, 'atonix:team:onboard'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace({
        content: {
          'gitops-repo/gitops/tenants/kustomization.yaml':
            'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
          [`gitops-repo/gitops/${RABBITMQ_CLUSTER_FILE}`]:
            'apiVersion: rabbitmq.com/v1beta1\nkind: RabbitmqCluster\nmetadata:\n  name: events\n  annotations:\n    rabbitmq.com/topology-allowed-namespaces: payments\n',
        },
      });
      const outputs = await runAction(
        createTeamOnboardAction({
          settings: localSettings('http://127.0.0.1:7011'),
          teams: paymentsMemberTeams(),
        }),
        input,
        workspace.path,
      );
      const { tenantPath } = outputs;
      expect(tenantPath).toBe(`gitops/tenants/${input.team}`);
      expect(
        existsSync(join(workspace.path, 'gitops-repo', `${tenantPath}`)),
      ).toBe(true);
    },
  );
});
