import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createFetchTemplateAction } from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The `templates/` folder of this repository. */
export const TEMPLATES_DIR = resolvePackagePath(
  '@internal/atonix-templates-tests',
  '../../templates',
);

/**
 * The values every function skeleton renders with: the contract between the skeletons in
 * `templates/` and the `fetch:template` steps of the templates (`templates/<template>.yaml`).
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

/** A `fetch:template` step of a template: one layer of the function repository. */
interface FetchStep {
  if?: string;
  input: { url: string; replace?: boolean };
}

/**
 * The `fetch:template` steps of `templates/<template>.yaml` that run for `language`, with the
 * language filled into their `url`: the layers of the repository, in the template's order.
 * The templates use two expressions only (`${{ parameters.language }}` in a `url`, and
 * `${{ parameters.language === '<language>' }}`, or several joined by ` or `, as a step's `if`);
 * anything else fails here so that the tests never render something other than what the
 * template does.
 */
export async function templateLayers(
  template: string,
  language: FunctionSkeletonValues['language'],
): Promise<Array<{ url: string; replace: boolean }>> {
  const file = join(TEMPLATES_DIR, `${template}.yaml`);
  const steps: Array<FetchStep & { action: string }> = parse(
    await readFile(file, 'utf8'),
  ).spec.steps;
  const languageIf =
    /^\$\{\{ (parameters\.language === '[a-z]+'(?: or parameters\.language === '[a-z]+')*) \}\}$/;
  return steps
    .filter(step => step.action === 'fetch:template')
    .filter(step => {
      if (step.if === undefined) return true;
      const match = languageIf.exec(step.if);
      if (!match) {
        throw new Error(
          `${file}: fetch:template step has an if the tests cannot evaluate: ${step.if}`,
        );
      }
      return [...match[1].matchAll(/'([a-z]+)'/g)].some(
        ([, name]) => name === language,
      );
    })
    .map(step => {
      const url = step.input.url.replace(
        '${{ parameters.language }}',
        language,
      );
      if (url.includes('${{')) {
        throw new Error(
          `${file}: fetch:template url has an expression the tests cannot evaluate: ${url}`,
        );
      }
      return { url, replace: step.input.replace ?? false };
    });
}

/**
 * Renders the function repository of `templates/<template>.yaml` into `targetDir` the way the
 * template does: each of its `fetch:template` steps ({@link templateLayers}), in order, with the
 * scaffolder's own action, so the files are exactly what a developer's new repository receives.
 */
export async function renderSkeleton(options: {
  template: string;
  values: FunctionSkeletonValues;
  targetDir: string;
}): Promise<void> {
  const action = createFetchTemplateAction({
    reader: mockServices.urlReader.mock(),
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });
  // The scaffolder fetches each layer into a task directory outside the workspace; the mock
  // context would use the workspace itself, leaving the raw skeleton inside the rendered repo.
  const fetchDirs: string[] = [];
  try {
    for (const layer of await templateLayers(
      options.template,
      options.values.language,
    )) {
      await action.handler({
        ...createMockActionContext({
          input: {
            url: layer.url,
            replace: layer.replace,
            values: { ...options.values },
          },
          templateInfo: {
            entityRef: `template:default/${options.template}`,
            baseUrl: `file://${join(
              TEMPLATES_DIR,
              `${options.template}.yaml`,
            )}`,
          },
          workspacePath: options.targetDir,
        }),
        createTemporaryDirectory: async () => {
          fetchDirs.push(
            await mkdtemp(join(tmpdir(), 'atonix-skeleton-fetch-')),
          );
          return fetchDirs[fetchDirs.length - 1];
        },
      });
    }
  } finally {
    await Promise.all(
      fetchDirs.map(dir => rm(dir, { recursive: true, force: true })),
    );
  }
}
