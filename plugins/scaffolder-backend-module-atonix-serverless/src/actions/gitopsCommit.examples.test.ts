import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { localSettings, useLocalGit } from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './gitopsCommit.examples';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';

describe('atonix:gitops:commit examples', () => {
  const git = useLocalGit();

  it.each(exampleInputs(examples, 'atonix:gitops:commit'))(
    '%s',
    async (_description, input) => {
      const settings = localSettings(git().server.baseUrl);
      const workspace = mockWorkspace();
      await createGitopsCloneAction({ settings }).handler(
        createMockActionContext({
          input: { targetPath: input.path },
          workspacePath: workspace.path,
        }) as any,
      );
      await writeFile(
        join(
          workspace.path,
          `${input.path}`,
          'gitops/functions/payments/note.txt',
        ),
        'hello\n',
      );
      const outputs = await runAction(
        createGitopsCommitAction({ settings }),
        input,
        workspace.path,
      );
      expect(outputs.commitHash).toMatch(/^[0-9a-f]{40}$/);
    },
  );
});
