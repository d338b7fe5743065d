import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exampleInputs, outputsOf } from '../__testUtils__/examples';
import {
  localSettings,
  startLocalGit,
  writeMinimalGitopsTree,
} from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './gitopsClone.examples';
import { createGitopsCloneAction } from './gitopsClone';

describe('atonix:gitops:clone examples', () => {
  let git: Awaited<ReturnType<typeof startLocalGit>>;

  beforeAll(async () => {
    git = await startLocalGit(
      await writeMinimalGitopsTree(mockWorkspace().path),
    );
  });
  afterAll(() => git.stop());

  it.each(exampleInputs(examples, 'atonix:gitops:clone'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await createGitopsCloneAction({
        settings: localSettings(git.server.baseUrl),
      }).handler(ctx as any);
      expect(outputsOf(ctx).path).toBe(input.targetPath);
      expect(
        existsSync(
          join(workspace.path, `${input.targetPath}`, 'gitops/functions'),
        ),
      ).toBe(true);
    },
  );
});
