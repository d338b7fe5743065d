import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LocalGitServer } from './LocalGitServer';

const run = promisify(execFile);
const git = (args: string[], cwd: string) =>
  run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args], {
    cwd,
  });

describe('LocalGitServer', () => {
  let dir: string;
  let server: LocalGitServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-git-server-test-'));
    await mkdir(join(dir, 'source/functions'), { recursive: true });
    await writeFile(join(dir, 'source/functions/README.md'), 'seeded\n');
    server = await LocalGitServer.start({ root: join(dir, 'repos') });
    await server.seedRepo('AtonixCorp/gitops', join(dir, 'source'), 'gitops');
  });

  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a seeded repository to git clone over HTTP', async () => {
    await git(
      ['clone', '-q', server.repoUrl('AtonixCorp/gitops'), 'clone'],
      dir,
    );
    expect(
      await readFile(join(dir, 'clone/gitops/functions/README.md'), 'utf8'),
    ).toBe('seeded\n');
  });

  it('creates a repository on its first push and serves its files raw', async () => {
    const work = join(dir, 'new-fn');
    await mkdir(work);
    await git(['init', '-q', '-b', 'main'], work);
    await writeFile(join(work, 'catalog-info.yaml'), 'kind: Component\n');
    await git(['add', '-A'], work);
    await git(['commit', '-q', '-m', 'first'], work);
    await git(
      ['push', '-q', server.repoUrl('AtonixCorp/new-fn'), 'main'],
      work,
    );

    const res = await fetch(
      `${server.repoUrl('AtonixCorp/new-fn')}/raw/main/catalog-info.yaml`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('kind: Component\n');
  });

  it('answers 404 for files and repositories that do not exist', async () => {
    const missingFile = await fetch(
      `${server.repoUrl('AtonixCorp/gitops')}/raw/main/nope.yaml`,
    );
    expect(missingFile.status).toBe(404);
    await expect(
      git(['ls-remote', server.repoUrl('AtonixCorp/missing')], dir),
    ).rejects.toThrow();
  });

  it('refuses paths that climb out of the repository root', async () => {
    for (const path of [
      '/AtonixCorp/../../etc.git/info/refs',
      '/%2e%2e/x.git/info/refs',
      '/AtonixCorp/gitops.git/raw/main/../../etc/passwd',
    ]) {
      expect([400, 404]).toContain(await statusOf(server.baseUrl, path));
    }
  });
});

/** node:http sends the path as written; fetch would normalise the dots away. */
function statusOf(baseUrl: string, path: string) {
  return new Promise<number | undefined>((resolve, reject) =>
    get({ host: '127.0.0.1', port: new URL(baseUrl).port, path }, res => {
      res.resume();
      resolve(res.statusCode);
    }).on('error', reject),
  );
}
