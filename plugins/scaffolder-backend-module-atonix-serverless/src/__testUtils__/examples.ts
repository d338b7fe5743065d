import {
  TemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { JsonObject } from '@backstage/types';
import { parse } from 'yaml';

/**
 * Each example's description and the input of its step that uses `actionId`, to run the examples
 * the portal's Actions page shows through the action itself.
 */
export function exampleInputs(
  examples: TemplateExample[],
  actionId: string,
): Array<[string, JsonObject]> {
  return examples.map(({ description, example }) => {
    const steps: Array<{ action?: string; input?: JsonObject }> =
      parse(example).steps ?? [];
    const step = steps.find(s => s.action === actionId);
    if (!step) {
      throw new Error(
        `The example "${description}" has no step with action ${actionId}`,
      );
    }
    return [description, step.input ?? {}];
  });
}

/**
 * `input` with each `${{ expression }}` replaced by `values[expression]`, as the scaffolder renders
 * it from the template's secrets and the outputs of earlier steps; an expression the test does not
 * provide fails it.
 */
export function renderExpressions(
  input: JsonObject,
  values: Record<string, string>,
): JsonObject {
  return JSON.parse(
    JSON.stringify(input).replace(
      /\$\{\{\s*(.*?)\s*\}\}/g,
      (_, expression: string) => {
        if (!(expression in values)) {
          throw new Error(
            `The example refers to ${expression}, which this test does not provide`,
          );
        }
        // Inside a JSON string: escaped as one.
        return JSON.stringify(values[expression]).slice(1, -1);
      },
    ),
  );
}

/** The outputs an action gave through a mock context, by name. */
export function outputsOf(ctx: { output: unknown }): Record<string, unknown> {
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

/** Runs `action` with `input` in the workspace at `workspacePath`; its outputs by name. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: JsonObject,
  workspacePath: string,
): Promise<Record<string, unknown>> {
  const ctx = createMockActionContext({ input, workspacePath });
  await action.handler(ctx as any);
  return outputsOf(ctx);
}
