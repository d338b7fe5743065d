import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  exampleInputs,
  outputsOf,
  renderExpressions,
} from '../__testUtils__/examples';
import { writeChargeCard } from '../__testUtils__/functionFolder';
import { REPO_ROOT } from '../__testUtils__/scaffolderBackend';
import { functionPermissionsFor } from '../__testUtils__/functionPermissions';
import { mockWorkspace } from '../__testUtils__/workspace';
import { createFunctionSecretAction } from './functionSecret';
import { examples } from './functionSecret.examples';

/** What the template's masked fields would hold. */
const SECRETS: Record<string, string> = {
  'secrets.apiKey': 'example-api-key-value',
};

describe('atonix:function:secret examples', () => {
  it.each(exampleInputs(examples, 'atonix:function:secret'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      await writeChargeCard(workspace.path);
      await copyFile(
        join(REPO_ROOT, 'gitops/.sops.yaml'),
        join(workspace.path, 'gitops-repo/gitops/.sops.yaml'),
      );
      const rendered = renderExpressions(input, SECRETS);
      const ctx = createMockActionContext({
        input: rendered,
        workspacePath: workspace.path,
      });
      await createFunctionSecretAction({
        functionPermissions: functionPermissionsFor(['payments']),
      }).handler(ctx as any);
      const secretPath = String(outputsOf(ctx).secretPath);
      const file = parse(
        await readFile(join(workspace.path, 'gitops-repo', secretPath), 'utf8'),
      );
      expect(Object.keys(file.stringData)).toEqual(
        (rendered.values as Array<{ key: string }>).map(v => v.key),
      );
      expect(JSON.stringify(file)).not.toContain(SECRETS['secrets.apiKey']);
    },
  );
});
