import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `templates/` folder of this repository. */
export const TEMPLATES_DIR = resolvePackagePath(
  '@internal/atonix-templates-tests',
  '../../templates',
);

/**
 * The values every function skeleton renders with: the contract between the skeletons in
 * `templates/<template>/skeleton/` and the `fetch:template` steps of the templates.
 */
export interface FunctionSkeletonValues {
  /** DNS-1123 function name, e.g. `charge-card`. */
  name: string;
  /** Owner Group name, also the namespace, e.g. `payments`. */
  team: string;
  description: string;
  language: 'node' | 'typescript' | 'python' | 'go';
  runtime: 'knative' | 'openfaas';
  triggerType: 'http' | 'cloudevents';
  /** Image repository without tag, e.g. `ghcr.io/atonixcorp/charge-card`. */
  imageRepository: string;
  /** Web URL of the function repository. */
  repoUrl: string;
  /** Web URL of the GitOps repository. */
  gitopsRepoUrl: string;
  /** The function's folder in the GitOps repository, e.g. `gitops/functions/payments/charge-card`. */
  gitopsPath: string;
  port: number;
  critical: boolean;
}

/**
 * Renders `templates/<template>/<skeletonPath>` into `targetDir` with the scaffolder's own
 * `fetch:template` action, so the files are exactly what a developer's new repository receives.
 */
export async function renderSkeleton(options: {
  template: string;
  /** Relative to the template folder, as in its template.yaml: `./skeleton/node`, `./skeleton`. */
  skeletonPath: string;
  values: FunctionSkeletonValues;
  targetDir: string;
}): Promise<void> {
  const action = createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  // The scaffolder fetches the skeleton into a task directory outside the workspace; the mock
  // context would use the workspace itself, leaving the raw skeleton inside the rendered repo.
  const fetchDirs: string[] = [];
  try {
    await action.handler({
      ...createMockActionContext({
        input: {
          url: options.skeletonPath,
          values: { ...options.values },
        },
        templateInfo: {
          entityRef: `template:default/${options.template}`,
          baseUrl: `file://${join(
            TEMPLATES_DIR,
            options.template,
            'template.yaml',
          )}`,
        },
        workspacePath: options.targetDir,
      }),
      createTemporaryDirectory: async () => {
        fetchDirs.push(await mkdtemp(join(tmpdir(), 'atonix-skeleton-fetch-')));
        return fetchDirs[fetchDirs.length - 1];
      },
    });
  } finally {
    await Promise.all(
      fetchDirs.map(dir => rm(dir, { recursive: true, force: true })),
    );
  }
}
