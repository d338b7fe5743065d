import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { localSettings, useLocalGit } from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './gitopsClone.examples';
import { createGitopsCloneAction } from './gitopsClone';

describe('atonix:gitops:clone examples', () => {
  const git = useLocalGit();

  it.each(exampleInputs(examples, 'atonix:gitops:clone'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      const outputs = await runAction(
        createGitopsCloneAction({
          settings: localSettings(git().server.baseUrl),
        }),
        input,
        workspace.path,
      );
      expect(outputs.path).toBe(input.targetPath);
      expect(
        existsSync(
          join(workspace.path, `${input.targetPath}`, 'gitops/functions'),
        ),
      ).toBe(true);
    },
  );
});
