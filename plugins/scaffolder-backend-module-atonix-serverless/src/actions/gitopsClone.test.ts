import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  localSettings,
  startLocalGit,
  writeMinimalGitopsTree,
} from '../__testUtils__/localGit';
import { createGitopsCloneAction } from './gitopsClone';

describe('atonix:gitops:clone', () => {
  const source = mockWorkspace();
  let git: Awaited<ReturnType<typeof startLocalGit>>;

  beforeAll(async () => {
    git = await startLocalGit(await writeMinimalGitopsTree(source.path));
  });
  afterAll(() => git.stop());

  it('checks out the GitOps repository into the workspace', async () => {
    const workspace = mockWorkspace();
    const action = createGitopsCloneAction({
      settings: localSettings(git.server.baseUrl),
    });
    const ctx = createMockActionContext({
      input: { targetPath: 'gitops-repo' },
      workspacePath: workspace.path,
    });
    await action.handler(ctx as any);
    expect(
      existsSync(
        join(
          workspace.path,
          'gitops-repo/gitops/functions/payments/kustomization.yaml',
        ),
      ),
    ).toBe(true);
    expect(ctx.output).toHaveBeenCalledWith(
      'remoteUrl',
      `${git.server.baseUrl}/AtonixCorp/gitops.git`,
    );
  });

  it('stops with a clear error when the GitOps repository is unreachable', async () => {
    const workspace = mockWorkspace();
    // Port 9 (discard) on loopback: nothing listens there.
    const action = createGitopsCloneAction({
      settings: localSettings('http://127.0.0.1:9'),
    });
    const ctx = createMockActionContext({
      input: { targetPath: 'gitops-repo' },
      workspacePath: workspace.path,
    });
    await expect(action.handler(ctx as any)).rejects.toThrow(
      /GitOps repository http:\/\/127\.0\.0\.1:9\/AtonixCorp\/gitops\.git \(branch main\) is unreachable.*Nothing was published/,
    );
  });

  it('refuses a target outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: { targetPath: '../elsewhere' },
      workspacePath: mockWorkspace().path,
    });
    await expect(
      createGitopsCloneAction({
        settings: localSettings(git.server.baseUrl),
      }).handler(ctx as any),
    ).rejects.toThrow(/outside/);
  });
});
