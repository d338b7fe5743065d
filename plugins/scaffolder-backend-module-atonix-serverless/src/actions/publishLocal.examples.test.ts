import { exampleInputs, runAction } from '../__testUtils__/examples';
import { localSettings, useLocalGit } from '../__testUtils__/localGit';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './publishLocal.examples';
import { createPublishLocalAction } from './publishLocal';

describe('atonix:publish:local examples', () => {
  const git = useLocalGit();

  it.each(exampleInputs(examples, 'atonix:publish:local'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace({
        content: { [`${input.sourcePath}/README.md`]: '# charge-card\n' },
      });
      const outputs = await runAction(
        createPublishLocalAction({
          settings: localSettings(git().server.baseUrl),
        }),
        input,
        workspace.path,
      );
      expect(outputs).toMatchObject({
        remoteUrl: `${git().server.baseUrl}/AtonixCorp/${input.repoName}.git`,
        commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
    },
  );
});
