import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  exampleInputs,
  renderExpressions,
  runAction,
} from '../__testUtils__/examples';
import { writeChargeCard } from '../__testUtils__/functionFolder';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './functionImage.examples';
import { createFunctionImageAction } from './functionImage';

/** What the earlier steps the example refers to would have output. */
const STEP_OUTPUTS: Record<string, string> = {
  'steps.manifests.output.gitopsPath': 'gitops/functions/payments/charge-card',
  "steps['publish-github'].output.commitHash":
    '3f9c2b7e1d4a5c6b8e9f0a1b2c3d4e5f6a7b8c9d',
};

describe('atonix:function:image examples', () => {
  it.each(exampleInputs(examples, 'atonix:function:image'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      await writeChargeCard(workspace.path);
      const rendered = renderExpressions(input, STEP_OUTPUTS);
      const outputs = await runAction(
        createFunctionImageAction(),
        rendered,
        workspace.path,
      );
      const { functionPath, commit } = rendered as Record<string, string>;
      const image = `ghcr.io/atonixcorp/charge-card:${commit}`;
      expect(outputs.image).toBe(image);
      const spec = parse(
        await readFile(
          join(workspace.path, functionPath, 'function.yaml'),
          'utf8',
        ),
      );
      expect(spec.image).toBe(image);
    },
  );
});
