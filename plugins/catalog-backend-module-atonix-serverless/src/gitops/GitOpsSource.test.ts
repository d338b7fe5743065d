import { mockServices } from '@backstage/backend-test-utils';
import { NotModifiedError } from '@backstage/errors';
import { LocalGitServer } from '@internal/atonix-local-git-server';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GitOpsTreeFixture } from '../testing/gitopsTree';
import {
  DirectoryGitOpsSource,
  GitRepositoryGitOpsSource,
  UrlReaderGitOpsSource,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { readGitOpsCatalog } from './readGitOpsCatalog';

describe('GitOps sources', () => {
  let work: string;
  let tree: GitOpsTreeFixture;

  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'atonix-gitops-source-'));
    tree = new GitOpsTreeFixture(join(work, 'checkout'));
    await tree.writeTenants(['payments']);
    await tree.writeFunction('payments', 'charge');
    await tree.writeFile('README.md', 'not read by the catalog\n');
  });

  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  describe('DirectoryGitOpsSource', () => {
    it('reads the functions and tenants folders and reads again only after a change', async () => {
      const source = new DirectoryGitOpsSource({ directory: tree.root });
      const first = await source.read();
      expect(first?.files.map(f => f.path)).toEqual([
        'gitops/functions/payments/charge/function.yaml',
        'gitops/functions/payments/charge/kustomization.yaml',
        'gitops/tenants/base/kustomization.yaml',
        'gitops/tenants/common/kustomization.yaml',
        'gitops/tenants/kustomization.yaml',
        'gitops/tenants/payments/kustomization.yaml',
      ]);
      expect(await source.read(first!.revision)).toBeUndefined();

      await tree.writeFunction('payments', 'refund');
      const second = await source.read(first!.revision);
      expect(second?.revision).not.toBe(first!.revision);
      expect(source.locationRef('gitops/functions/payments/charge')).toBe(
        `file:${tree.root}/gitops/functions/payments/charge`,
      );
    });

    it("reads this repository's own GitOps tree without a problem", async () => {
      const source = new DirectoryGitOpsSource({
        directory: resolve(__dirname, '../../../..'),
      });
      const catalog = readGitOpsCatalog((await source.read())!.files);
      expect(catalog.problems).toEqual([]);
      expect(catalog.functions.length).toBeGreaterThan(0);
      expect(catalog.teams).toEqual(
        expect.arrayContaining(['payments', 'analytics']),
      );
      expect(catalog.teams).not.toContain('base');
    });
  });

  describe('GitRepositoryGitOpsSource', () => {
    let server: LocalGitServer;

    beforeEach(async () => {
      server = await LocalGitServer.start({ root: join(work, 'repos') });
      await server.seedRepo('AtonixCorp/gitops', tree.root);
    });

    afterEach(async () => {
      await server.stop();
    });

    it('clones the branch over HTTP and clones again only when the branch moved', async () => {
      const url = server.repoUrl('AtonixCorp/gitops');
      const source = new GitRepositoryGitOpsSource({ url, branch: 'main' });
      const before = Date.now();
      const first = await source.read();
      expect(first?.revision).toMatch(/^[0-9a-f]{40}$/);
      // The commit's time, which the backend's trace shows ("merged 12m ago"); git keeps seconds.
      expect(Date.parse(first!.committedAt!)).toBeGreaterThanOrEqual(
        Math.floor(before / 1000) * 1000 - 60_000,
      );
      expect(Date.parse(first!.committedAt!)).toBeLessThanOrEqual(Date.now());
      expect(readGitOpsCatalog(first!.files)).toMatchObject({
        functions: [{ folder: 'gitops/functions/payments/charge' }],
        problems: [],
        teams: ['payments'],
      });
      expect(await source.read(first!.revision)).toBeUndefined();

      await tree.removeFunction('payments', 'charge');
      await server.seedRepo('AtonixCorp/gitops', tree.root);
      const second = await source.read(first!.revision);
      expect(readGitOpsCatalog(second!.files).functions).toEqual([]);
      expect(source.locationRef('gitops/tenants/payments')).toBe(
        `url:${url}/raw/main/gitops/tenants/payments`,
      );
    });

    it('says which branch is missing', async () => {
      const source = new GitRepositoryGitOpsSource({
        url: server.repoUrl('AtonixCorp/gitops'),
        branch: 'production',
      });
      await expect(source.read()).rejects.toThrow(
        /has no branch production; set gitops.branch of the catalog.providers.atonixServerless instance/,
      );
    });
  });

  describe('UrlReaderGitOpsSource', () => {
    it('asks the URL reader for the two catalog folders and treats NotModified as unchanged', async () => {
      const target = 'https://github.com/AtonixCorp/gitops/tree/main';
      const reader = mockServices.urlReader.mock({
        readTree: async (url, options) => {
          expect(url).toBe(target);
          if (options?.etag === 'sha-1') {
            throw new NotModifiedError();
          }
          const paths = [
            'README.md',
            'gitops/clusters/staging/kustomization.yaml',
            'gitops/functions/payments/kustomization.yaml',
            'gitops/tenants/kustomization.yaml',
          ].filter(path => options?.filter?.(path) ?? true);
          return {
            etag: 'sha-1',
            files: async () =>
              paths.map(path => ({
                path,
                content: async () => Buffer.from(`# ${path}\n`),
              })),
            archive: async () => {
              throw new Error('not used');
            },
            dir: async () => {
              throw new Error('not used');
            },
          };
        },
      });
      const source = new UrlReaderGitOpsSource({ reader, target });
      const first = await source.read();
      expect(first).toEqual({
        revision: 'sha-1',
        files: [
          {
            path: 'gitops/functions/payments/kustomization.yaml',
            content: '# gitops/functions/payments/kustomization.yaml\n',
          },
          {
            path: 'gitops/tenants/kustomization.yaml',
            content: '# gitops/tenants/kustomization.yaml\n',
          },
        ],
      });
      expect(await source.read('sha-1')).toBeUndefined();
      expect(source.locationRef('gitops/tenants/payments')).toBe(
        `url:${target}/gitops/tenants/payments`,
      );
    });
  });
});
