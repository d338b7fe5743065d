import { RABBITMQ_CLUSTER_FILE } from '@internal/backstage-plugin-atonix-serverless-node';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  exampleInputs,
  renderExpressions,
  runAction,
} from '../__testUtils__/examples';
import { localSettings } from '../__testUtils__/localGit';
import { REPO_ROOT } from '../__testUtils__/scaffolderBackend';
import { paymentsMemberTeams } from '../__testUtils__/teams';
import { EMPTY_KUSTOMIZATION, mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './teamOnboard.examples';
import { createTeamOnboardAction } from './teamOnboard';

/** What the template's masked fields would hold. */
const SECRETS: Record<string, string> = {
  'secrets.registryToken': 'example-registry-token-value',
};

describe('atonix:team:onboard examples', () => {
  it.each(exampleInputs(examples, 'atonix:team:onboard'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace({
        content: {
          'gitops-repo/gitops/tenants/kustomization.yaml': EMPTY_KUSTOMIZATION,
          [`gitops-repo/gitops/${RABBITMQ_CLUSTER_FILE}`]:
            'apiVersion: rabbitmq.com/v1beta1\nkind: RabbitmqCluster\nmetadata:\n  name: events\n  annotations:\n    rabbitmq.com/topology-allowed-namespaces: payments\n',
          'gitops-repo/gitops/.sops.yaml': readFileSync(
            join(REPO_ROOT, 'gitops/.sops.yaml'),
            'utf8',
          ),
          'gitops-repo/gitops/clusters/staging/kustomization.yaml': '{}',
          'gitops-repo/gitops/clusters/production/kustomization.yaml': '{}',
        },
      });
      const rendered = renderExpressions(input, SECRETS);
      const outputs = await runAction(
        createTeamOnboardAction({
          settings: localSettings('http://127.0.0.1:7011'),
          teams: paymentsMemberTeams(),
        }),
        rendered,
        workspace.path,
      );
      const { tenantPath, files } = outputs;
      expect(tenantPath).toBe(`gitops/tenants/${input.team}`);
      expect(
        existsSync(join(workspace.path, 'gitops-repo', `${tenantPath}`)),
      ).toBe(true);
      expect(files).toContain('gitops/.sops.yaml');
      expect(
        existsSync(
          join(
            workspace.path,
            'gitops-repo/gitops/functions',
            String(input.team),
            'secrets/ghcr-pull.sops.yaml',
          ),
        ),
      ).toBe(Boolean(input.registryToken));
      expect(JSON.stringify(workspace.content())).not.toContain(
        SECRETS['secrets.registryToken'],
      );
    },
  );
});
