import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The validator's fixture trees: `valid/`, the smallest complete gitops tree, and `broken/<rule>/`,
 * the files that, laid over it, break exactly that rule.
 */
export const FIXTURES = resolve(__dirname, '../__fixtures__');

/**
 * Copies the valid fixture tree to `dir`, with the broken files of `brokenRule` laid over it when
 * given, and answers `dir`.
 */
export async function copyFixtureTree(
  dir: string,
  brokenRule?: string,
): Promise<string> {
  await fs.cp(join(FIXTURES, 'valid'), dir, { recursive: true });
  if (brokenRule) {
    await fs.cp(join(FIXTURES, 'broken', brokenRule), dir, {
      recursive: true,
    });
  }
  return dir;
}

/** Writes `<dir>/kustomization.yaml`: a Kustomization of `resources`, as a test changes the tree. */
export async function writeKustomization(
  dir: string,
  resources: string[],
): Promise<void> {
  await fs.writeFile(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      ...resources.map(resource => `  - ${resource}`),
      '',
    ].join('\n'),
  );
}
