import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitHubTestServer } from './GitHubTestServer';

/**
 * What the GitHub stand-in refuses; what it serves is exercised by the scaffolder module's
 * templates.github.test.ts, which runs publish:github:pull-request against it.
 */
describe('GitHubTestServer', () => {
  const token = 'ghp_test_token';
  let github: GitHubTestServer;

  beforeAll(async () => {
    github = await GitHubTestServer.start({ token });
  });
  afterAll(() => github?.stop());

  it('refuses a request without its token, as GitHub answers bad credentials', async () => {
    const res = await fetch(`${github.apiBaseUrl}/repos/AtonixCorp/gitops`, {
      headers: { authorization: 'token ghp_someone_else' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Bad credentials' });
  });

  it('says which call it does not serve rather than pretending to', async () => {
    const res = await fetch(
      `${github.apiBaseUrl}/repos/AtonixCorp/gitops/actions/runs`,
      { headers: { authorization: `token ${token}` } },
    );
    expect(res.status).toBe(404);
    expect((await res.json()).message).toBe(
      'Not Found: GET /repos/AtonixCorp/gitops/actions/runs is not served by the GitHub test server (only what publish:github:pull-request and the traffic view call)',
    );
  });

  it('serves git over HTTPS to a client that trusts the certificate it hands out, and to no other', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atonix-github-test-'));
    try {
      await mkdir(join(dir, 'source'));
      await writeFile(join(dir, 'source/README.md'), 'hello\n');
      await github.seedRepo('AtonixCorp/gitops', join(dir, 'source'));
      await writeFile(join(dir, 'ca.pem'), github.caCertificate);
      const url = `https://${github.host}/AtonixCorp/gitops.git`;
      const clone = (target: string, env: Record<string, string> = {}) =>
        promisify(execFile)('git', ['clone', '-q', url, target], {
          cwd: dir,
          env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', ...env },
        });
      await expect(clone('untrusted')).rejects.toThrow(/certificate/i);
      await clone('trusted', { GIT_SSL_CAINFO: join(dir, 'ca.pem') });
      expect(await readFile(join(dir, 'trusted/README.md'), 'utf8')).toBe(
        'hello\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens a pull request of a branch one commit ahead of main, listed as GitHub lists it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atonix-github-test-'));
    try {
      await writeFile(join(dir, 'README.md'), 'hello\n');
      await github.seedRepo('AtonixCorp/pulls', dir);
      const pull = await github.openPullRequest('AtonixCorp/pulls', {
        branch: 'change-readme',
        title: 'Change the README',
        files: { 'README.md': 'hello again\n', 'docs/new.md': 'new\n' },
      });
      const git = (...args: string[]) =>
        github.gitIn('AtonixCorp/pulls', ...args);
      expect(await git('show', 'change-readme:README.md')).toBe(
        'hello again\n',
      );
      expect(await git('rev-parse', 'change-readme~1')).toBe(
        await git('rev-parse', 'main'),
      );
      const res = await fetch(
        `${github.apiBaseUrl}/repos/AtonixCorp/pulls/pulls?head=AtonixCorp:change-readme&base=main&state=open`,
        { headers: { authorization: `token ${token}` } },
      );
      expect(await res.json()).toEqual([
        expect.objectContaining({
          number: pull.number,
          title: 'Change the README',
          state: 'open',
          head: {
            ref: 'change-readme',
            sha: (await git('rev-parse', 'change-readme')).trim(),
          },
        }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
