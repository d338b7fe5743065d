import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Writes GitOps trees the way the scaffolder and B's tenants do, trimmed to what the catalog reads:
 * `function.yaml` plus one manifest per function, and `kustomization.yaml` files for tenants.
 */
export class GitOpsTreeFixture {
  constructor(readonly root: string) {}

  async writeFunction(
    team: string,
    name: string,
    spec: Record<string, unknown> = {},
  ): Promise<void> {
    await this.writeFile(
      `gitops/functions/${team}/${name}/function.yaml`,
      stringify({
        apiVersion: 'atonix.io/v1alpha1',
        kind: 'Function',
        name,
        team,
        image: `ghcr.io/atonixcorp/${name}:1.0.0`,
        ...spec,
      }),
    );
    await this.writeFile(
      `gitops/functions/${team}/${name}/kustomization.yaml`,
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['service.yaml'],
      }),
    );
  }

  async removeFunction(team: string, name: string): Promise<void> {
    await rm(join(this.root, `gitops/functions/${team}/${name}`), {
      recursive: true,
    });
  }

  /** Tenants as gitops/tenants holds them: a list, a shared base, one folder per team. */
  async writeTenants(teams: string[]): Promise<void> {
    await this.writeFile(
      'gitops/tenants/kustomization.yaml',
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['common', ...teams],
      }),
    );
    await this.writeFile(
      'gitops/tenants/base/kustomization.yaml',
      stringify({ resources: ['namespace.yaml'] }),
    );
    await this.writeFile(
      'gitops/tenants/common/kustomization.yaml',
      stringify({ resources: ['function-reconciler-role.yaml'] }),
    );
    for (const team of teams) {
      await this.writeFile(
        `gitops/tenants/${team}/kustomization.yaml`,
        stringify({ namespace: team, resources: ['../base'] }),
      );
    }
  }

  async writeFile(path: string, content: string): Promise<void> {
    const file = join(this.root, path);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, content);
  }
}
