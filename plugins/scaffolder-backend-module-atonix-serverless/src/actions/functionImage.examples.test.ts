import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { writeUnpinnedChargeCard } from '../__testUtils__/functionFolder';
import { mockWorkspace } from '../__testUtils__/workspace';
import { examples } from './functionImage.examples';
import { createFunctionImageAction } from './functionImage';

/** What the earlier steps the example refers to would have output. */
const STEP_OUTPUTS: Record<string, string> = {
  'steps.manifests.output.gitopsPath': 'gitops/functions/payments/charge-card',
  "steps['publish-github'].output.commitHash":
    '3f9c2b7e1d4a5c6b8e9f0a1b2c3d4e5f6a7b8c9d',
};

function withStepOutputs(value: unknown): string {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, ref: string) => {
    if (!(ref in STEP_OUTPUTS)) {
      throw new Error(
        `The example refers to ${ref}, which this test does not provide`,
      );
    }
    return STEP_OUTPUTS[ref];
  });
}

describe('atonix:function:image examples', () => {
  it.each(exampleInputs(examples, 'atonix:function:image'))(
    '%s',
    async (_description, input) => {
      const workspace = mockWorkspace();
      await writeUnpinnedChargeCard(workspace.path);
      const functionPath = withStepOutputs(input.functionPath);
      const commit = withStepOutputs(input.commit);
      const outputs = await runAction(
        createFunctionImageAction(),
        { functionPath, commit },
        workspace.path,
      );
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
