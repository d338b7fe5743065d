import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/**
 * An action's examples as the portal's Actions page shows them: each one a template with a single
 * step, `step` (its id, name and action, and the input every example gives) plus the example's own
 * `if:` and input.
 */
export function stepExamples(
  step: {
    id: string;
    action: string;
    name: string;
    input?: Record<string, unknown>;
  },
  examples: Array<{
    description: string;
    if?: string;
    input: Record<string, unknown>;
  }>,
): TemplateExample[] {
  return examples.map(({ description, if: condition, input }) => ({
    description,
    example: yaml.stringify({
      steps: [
        {
          id: step.id,
          ...(condition && { if: condition }),
          action: step.action,
          name: step.name,
          input: { ...step.input, ...input },
        },
      ],
    }),
  }));
}
