import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  cloneWithGit,
  localSettings,
  useLocalGit,
} from '../__testUtils__/localGit';
import { createPublishLocalAction } from './publishLocal';

describe('atonix:publish:local', () => {
  const git = useLocalGit();

  function run(repoName: string, extra: Record<string, unknown> = {}) {
    const workspace = mockWorkspace({
      content: { function: { 'handler.js': 'module.exports = 1;\n' } },
    });
    const ctx = {
      ...createMockActionContext({
        input: { repoName, sourcePath: 'function', commitMessage: 'Create it' },
        workspacePath: workspace.path,
      }),
      ...extra,
    };
    return {
      ctx,
      run: () =>
        createPublishLocalAction({
          settings: localSettings(git().server.baseUrl),
        }).handler(ctx as any),
    };
  }

  it('creates the repository on the local git server with the folder as first commit', async () => {
    const { ctx, run: publish } = run('charge-card');
    await publish();
    const remoteUrl = `${git().server.baseUrl}/AtonixCorp/charge-card.git`;
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', remoteUrl);
    const clone = await cloneWithGit(
      remoteUrl,
      join(git().dir, 'check-charge-card'),
    );
    expect(await readFile(join(clone, 'handler.js'), 'utf8')).toBe(
      'module.exports = 1;\n',
    );
  });

  it('refuses to overwrite an existing repository', async () => {
    await run('refund').run();
    await expect(run('refund').run()).rejects.toThrow(
      /AtonixCorp\/refund\.git exists already; choose another function name/,
    );
  });

  it('pushes nothing in a dry run', async () => {
    await run('dry-fn', { isDryRun: true }).run();
    const res = await fetch(
      `${
        git().server.baseUrl
      }/AtonixCorp/dry-fn.git/info/refs?service=git-upload-pack`,
    );
    expect(res.status).toBe(404);
  });

  it('only runs when the local git server is the publish target', async () => {
    const ctx = createMockActionContext({
      input: { repoName: 'x' },
      workspacePath: mockWorkspace().path,
    });
    const settings = localSettings(git().server.baseUrl, {
      publishTarget: 'github',
    });
    await expect(
      createPublishLocalAction({ settings }).handler(ctx as any),
    ).rejects.toThrow(
      /publishes to the local git server, which only the local portal does.*guard the step with if:/,
    );
  });

  it('refuses a source folder outside the workspace', async () => {
    const ctx = createMockActionContext({
      input: { repoName: 'escape', sourcePath: '../../etc' },
      workspacePath: mockWorkspace().path,
    });
    await expect(
      createPublishLocalAction({
        settings: localSettings(git().server.baseUrl),
      }).handler(ctx as any),
    ).rejects.toThrow(/outside/);
  });
});
