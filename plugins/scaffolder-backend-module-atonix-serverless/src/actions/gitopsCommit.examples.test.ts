import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleInputs, outputsOf } from '../__testUtils__/examples';
import {
  localSettings,
  startLocalGit,
  writeMinimalGitopsTree,
} from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './gitopsCommit.examples';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';

describe('atonix:gitops:commit examples', () => {
  let git: Awaited<ReturnType<typeof startLocalGit>>;

  beforeAll(async () => {
    git = await startLocalGit(
      await writeMinimalGitopsTree(mockWorkspace().path),
    );
  });
  afterAll(() => git.stop());

  it.each(exampleInputs(examples, 'atonix:gitops:commit'))(
    '%s',
    async (_description, input) => {
      const settings = localSettings(git.server.baseUrl);
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
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await createGitopsCommitAction({ settings }).handler(ctx as any);
      expect(outputsOf(ctx).commitHash).toMatch(/^[0-9a-f]{40}$/);
    },
  );
});
