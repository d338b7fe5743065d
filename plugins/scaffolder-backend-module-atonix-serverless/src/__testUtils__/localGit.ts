import { ConfigReader } from '@backstage/config';
import { LocalGitServer } from '@internal/atonix-local-git-server';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PublishSettings } from '@internal/backstage-plugin-atonix-serverless-node';
import { MINIMAL_GITOPS_TREE, mockWorkspace } from './workspace';

export const OWNER = 'AtonixCorp';

/** `atonix.scaffolder` config as the local portal has it, pointing at `baseUrl`. */
export function localScaffolderConfig(
  baseUrl: string,
  overrides: Record<string, unknown> = {},
) {
  return {
    atonix: {
      scaffolder: {
        publishTarget: 'local',
        owner: OWNER,
        localGitBaseUrl: baseUrl,
        imageRegistry: 'ghcr.io/atonixcorp',
        gitops: { repo: 'gitops', branch: 'main' },
        ...overrides,
      },
    },
  };
}

export function localSettings(
  baseUrl: string,
  overrides: Record<string, unknown> = {},
) {
  return PublishSettings.fromConfig(
    new ConfigReader(localScaffolderConfig(baseUrl, overrides)),
  );
}

/**
 * A real local git server in a temp folder with a GitOps repository seeded from `gitopsDir`
 * (placed under `gitops/`, as in the GitOps repository).
 */
export async function startLocalGit(gitopsDir: string) {
  const dir = await mkdtemp(join(tmpdir(), 'atonix-scaffolder-git-'));
  const server = await LocalGitServer.start({ root: join(dir, 'repos') });
  await server.seedRepo(`${OWNER}/gitops`, gitopsDir, 'gitops');
  return {
    server,
    dir,
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reads a repository the way a developer would: `git clone` over HTTP into a temp folder. */
export async function cloneWithGit(url: string, into: string) {
  await promisify(execFile)('git', ['clone', '-q', url, into]);
  return into;
}

/**
 * A local git server whose GitOps repository holds a minimal tree, for every test of the calling
 * file: started before all of them, stopped after. Returns its accessor.
 */
export function useLocalGit(): () => Awaited<ReturnType<typeof startLocalGit>> {
  let git: Awaited<ReturnType<typeof startLocalGit>> | undefined;
  beforeAll(async () => {
    git = await startLocalGit(
      mockWorkspace({ content: MINIMAL_GITOPS_TREE }).path,
    );
  });
  afterAll(() => git?.stop());
  return () => {
    if (!git) throw new Error('the local git server has not started yet');
    return git;
  };
}
