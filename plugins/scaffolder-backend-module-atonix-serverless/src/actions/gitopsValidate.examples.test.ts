import { cp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { exampleInputs, runAction } from '../__testUtils__/examples';
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
      const outputs = await runAction(
        createGitopsValidateAction(),
        input,
        workspace.path,
      );
      expect(outputs).toEqual({ violations: 0 });
    },
  );
});
