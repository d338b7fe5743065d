import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { runGit } from '@internal/atonix-local-git-server';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { localSettings, useLocalGit } from '../__testUtils__/localGit';
import { createGitopsCloneAction } from './gitopsClone';

describe('atonix:gitops:clone', () => {
  const git = useLocalGit();

  it('checks out the GitOps repository into the workspace', async () => {
    const workspace = mockWorkspace();
    const action = createGitopsCloneAction({
      settings: localSettings(git().server.baseUrl),
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
      `${git().server.baseUrl}/AtonixCorp/gitops.git`,
    );
  });

  it('clones every commit with fullHistory, only the newest without', async () => {
    const gitIn = (cwd: string, ...args: string[]) =>
      runGit(args, { cwd }).then(stdout => stdout.trim());
    const work = mockWorkspace();
    await gitIn(
      work.path,
      'clone',
      '-q',
      git().server.repoUrl('AtonixCorp/gitops'),
      'w',
    );
    await writeFile(join(work.path, 'w/gitops/NOTE'), 'second commit\n');
    await gitIn(join(work.path, 'w'), 'add', 'gitops/NOTE');
    await gitIn(join(work.path, 'w'), 'commit', '-q', '-m', 'second');
    await gitIn(join(work.path, 'w'), 'push', '-q', 'origin', 'HEAD');

    const commits = async (fullHistory?: boolean) => {
      const workspace = mockWorkspace();
      const ctx = createMockActionContext({
        input: { targetPath: 'gitops-repo', fullHistory },
        workspacePath: workspace.path,
      });
      await createGitopsCloneAction({
        settings: localSettings(git().server.baseUrl),
      }).handler(ctx as any);
      return gitIn(
        join(workspace.path, 'gitops-repo'),
        'rev-list',
        '--count',
        'HEAD',
      );
    };
    expect(await commits(true)).toBe('2');
    expect(await commits()).toBe('1');
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
        settings: localSettings(git().server.baseUrl),
      }).handler(ctx as any),
    ).rejects.toThrow(/outside/);
  });
});
