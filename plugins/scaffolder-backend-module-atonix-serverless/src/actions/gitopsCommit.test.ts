import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { localSettings, useLocalGit } from '../__testUtils__/localGit';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';

const run = promisify(execFile);

describe('atonix:gitops:commit', () => {
  const git = useLocalGit();

  async function checkoutWithChange(isDryRun: boolean) {
    const settings = localSettings(git().server.baseUrl);
    const workspace = mockWorkspace();
    await createGitopsCloneAction({ settings }).handler(
      createMockActionContext({
        input: {},
        workspacePath: workspace.path,
      }) as any,
    );
    await writeFile(
      join(workspace.path, 'gitops-repo/gitops/functions/payments/note.txt'),
      'hello\n',
    );
    const ctx = {
      ...createMockActionContext({
        input: { commitMessage: 'Add a note' },
        workspacePath: workspace.path,
      }),
      isDryRun,
    };
    await createGitopsCommitAction({ settings }).handler(ctx as any);
    return ctx;
  }

  const remoteLog = async () =>
    (
      await run('git', [
        '--git-dir',
        join(git().dir, 'repos/AtonixCorp/gitops.git'),
        'log',
        '--format=%s',
        'main',
      ])
    ).stdout;

  it('pushes the checkout to the GitOps branch', async () => {
    const ctx = await checkoutWithChange(false);
    expect(ctx.output).toHaveBeenCalledWith('commitHash', expect.any(String));
    expect(await remoteLog()).toMatch(/^Add a note\n/);
    const shown = await run('git', [
      '--git-dir',
      join(git().dir, 'repos/AtonixCorp/gitops.git'),
      'show',
      'main:gitops/functions/payments/note.txt',
    ]);
    expect(shown.stdout).toBe('hello\n');
  });

  it('pushes nothing in a dry run', async () => {
    const before = await remoteLog();
    await checkoutWithChange(true);
    expect(await remoteLog()).toBe(before);
  });

  it('refuses to push straight to the GitOps branch in production', async () => {
    const settings = localSettings(git().server.baseUrl, {
      publishTarget: 'github',
    });
    await expect(
      createGitopsCommitAction({ settings }).handler(
        createMockActionContext({
          input: { commitMessage: 'x' },
          workspacePath: mockWorkspace().path,
        }) as any,
      ),
    ).rejects.toThrow(/publish:github:pull-request/);
  });
});
