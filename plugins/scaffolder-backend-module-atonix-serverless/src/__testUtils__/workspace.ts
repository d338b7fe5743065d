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

/**
 * What `attempt` returns, once it is checked that it left `workspace` as it was: what the tests
 * mean by "..., and writes nothing" (a dry run).
 */
export async function unchangedBy<T>(
  workspace: ReturnType<typeof createMockDirectory>,
  attempt: () => Promise<T>,
): Promise<T> {
  const before = workspace.content();
  const result = await attempt();
  expect(workspace.content()).toEqual(before);
  return result;
}

/** The error `attempt` fails with, once it is checked that it wrote nothing ("refuses ..."). */
export function refusalOf(
  workspace: ReturnType<typeof createMockDirectory>,
  attempt: () => Promise<unknown>,
): Promise<any> {
  return unchangedBy(workspace, () =>
    attempt().then(
      () => {
        throw new Error('expected a refusal, but the attempt succeeded');
      },
      refusal => refusal,
    ),
  );
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
