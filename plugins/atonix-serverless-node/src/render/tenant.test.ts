import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { kustomize } from '../__testUtils__/kustomize';
import { writeTenantFolder } from './tenant';

const REPO_GITOPS = resolve(__dirname, '../../../../gitops');

describe('writeTenantFolder', () => {
  let gitopsDir: string;

  beforeAll(async () => {
    gitopsDir = await mkdtemp(join(tmpdir(), 'tenant-test-'));
    await cp(join(REPO_GITOPS, 'tenants'), join(gitopsDir, 'tenants'), {
      recursive: true,
    });
  });
  afterAll(() => rm(gitopsDir, { recursive: true, force: true }));

  it('adds a team that builds like the hand-written ones, with an empty functions folder', async () => {
    const written = await writeTenantFolder(gitopsDir, 'search');
    expect(written.sort()).toEqual([
      'functions/search/kustomization.yaml',
      'tenants/kustomization.yaml',
      'tenants/search/kustomization.yaml',
    ]);
    expect(
      parse(
        await readFile(join(gitopsDir, 'tenants/kustomization.yaml'), 'utf8'),
      ).resources,
    ).toContain('search');

    const objects: any[] = await kustomize(join(gitopsDir, 'tenants/search'));
    expect(objects).toContainEqual(
      expect.objectContaining({
        kind: 'Namespace',
        metadata: expect.objectContaining({ name: 'search' }),
      }),
    );
    const sync = objects.find(
      o => o.kind === 'Kustomization' && o.metadata.name === 'functions',
    );
    expect(sync.spec).toMatchObject({
      path: './gitops/functions/search',
      targetNamespace: 'search',
    });
  });

  it('lists a team once however often it is written', async () => {
    await writeTenantFolder(gitopsDir, 'search');
    const { resources } = parse(
      await readFile(join(gitopsDir, 'tenants/kustomization.yaml'), 'utf8'),
    );
    expect(resources.filter((r: string) => r === 'search')).toHaveLength(1);
  });
});
