import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Plan where the function charge-card goes; later steps use ${{ steps.plan.output.local }} in if:',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'atonix:publish:plan',
          name: 'Plan publishing',
          input: { repoName: 'charge-card' },
        },
      ],
    }),
  },
];
