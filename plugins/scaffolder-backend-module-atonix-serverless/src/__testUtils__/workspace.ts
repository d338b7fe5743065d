import { createMockDirectory } from '@backstage/backend-test-utils';

const created: Array<ReturnType<typeof createMockDirectory>> = [];

/**
 * `createMockDirectory`, removed after the test file in every environment. backend-test-utils
 * keeps its directories when `CI` is set (for inspection), which left a `backstage-tmp-test-dir-*`
 * folder in the temp folder per workspace on every CI run.
 */
export function mockWorkspace(
  options?: Parameters<typeof createMockDirectory>[0],
): ReturnType<typeof createMockDirectory> {
  const directory = createMockDirectory(options);
  created.push(directory);
  return directory;
}

/** A kustomization.yaml listing nothing yet. */
export const EMPTY_KUSTOMIZATION =
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';

/** A small GitOps tree with one team (payments) and no functions, as `mockWorkspace` content. */
export const MINIMAL_GITOPS_TREE = {
  'functions/payments/kustomization.yaml': EMPTY_KUSTOMIZATION,
};

afterAll(() => {
  for (const directory of created.splice(0)) {
    directory.remove();
  }
});
