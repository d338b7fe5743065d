import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exampleInputs, outputsOf } from '../__testUtils__/examples';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './gitopsValidate.examples';
import { createGitopsValidateAction } from './gitopsValidate';

/** This checkout's GitOps tree: the node library's tests keep it valid. */
const REPO_GITOPS = resolve(__dirname, '../../../../gitops');

// The validator loads every Kubernetes and CRD schema and runs kustomize: seconds, not milliseconds.
jest.setTimeout(60_000);

describe('atonix:gitops:validate examples', () => {
  it.each(exampleInputs(examples, 'atonix:gitops:validate'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      await cp(REPO_GITOPS, join(workspace.path, `${input.path}`), {
        recursive: true,
      });
      const ctx = createMockActionContext({
        input,
        workspacePath: workspace.path,
      });
      await createGitopsValidateAction().handler(ctx as any);
      expect(outputsOf(ctx)).toEqual({ violations: 0 });
    },
  );
});
