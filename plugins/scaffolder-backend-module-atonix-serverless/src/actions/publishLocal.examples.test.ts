import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { exampleInputs, outputsOf } from '../__testUtils__/examples';
import {
  localSettings,
  startLocalGit,
  writeMinimalGitopsTree,
} from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './publishLocal.examples';
import { createPublishLocalAction } from './publishLocal';

describe('atonix:publish:local examples', () => {
  let git: Awaited<ReturnType<typeof startLocalGit>>;

  beforeAll(async () => {
    git = await startLocalGit(
      await writeMinimalGitopsTree(mockWorkspace().path),
    );
  });
  afterAll(() => git.stop());

  it.each(exampleInputs(examples, 'atonix:publish:local'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace({
        content: { [`${input.sourcePath}/README.md`]: '# charge-card\n' },
      });
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await createPublishLocalAction({
        settings: localSettings(git.server.baseUrl),
      }).handler(ctx as any);
      expect(outputsOf(ctx)).toMatchObject({
        remoteUrl: `${git.server.baseUrl}/AtonixCorp/${input.repoName}.git`,
        commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    },
  );
});
