import { mockWorkspace } from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGitopsValidateAction } from './gitopsValidate';

/** This checkout's GitOps tree: the node library's tests keep it valid. */
const REPO_GITOPS = resolve(__dirname, '../../../../gitops');

const NOT_CRITICAL_BUT_WARM = `apiVersion: atonix.io/v1alpha1
kind: Function
name: warm-fn
team: payments
image: ghcr.io/atonixcorp/warm-fn:1.0.0
scaling:
  minScale: 2
`;

// The validator loads every Kubernetes and CRD schema and runs kustomize: seconds, not milliseconds.
jest.setTimeout(60_000);

describe('atonix:gitops:validate', () => {
  let workspace: ReturnType<typeof mockWorkspace>;

  beforeEach(async () => {
    workspace = mockWorkspace();
    await cp(REPO_GITOPS, join(workspace.path, 'gitops-repo/gitops'), {
      recursive: true,
    });
  });

  const run = (path?: string) => {
    const ctx = createMockActionContext({
      input: { path },
      workspacePath: workspace.path,
    });
    return createGitopsValidateAction()
      .handler(ctx as any)
      .then(() => ctx);
  };

  it('passes over a clean GitOps tree', async () => {
    const ctx = await run();
    expect(ctx.output).toHaveBeenCalledWith('violations', 0);
  });

  it('fails with path:line: rule-id: message lines', async () => {
    workspace.addContent({
      'gitops-repo/gitops/functions/payments/warm-fn/function.yaml':
        NOT_CRITICAL_BUT_WARM,
    });
    await expect(run()).rejects.toThrow(
      /breaks \d+ rule\(s\); nothing was committed to the GitOps repository:\n(.|\n)*^gitops-repo\/gitops\/functions\/payments\/warm-fn\/function\.yaml:\d+: scale-to-zero: /m,
    );
  });

  it('refuses a path outside the workspace', async () => {
    await expect(run('../../etc')).rejects.toThrow(/outside/);
  });

  it('says what to do when the tree is missing', async () => {
    await expect(run('nothing')).rejects.toThrow(/atonix:gitops:clone/);
  });
});
