import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'In the local portal, publish the generated ./function folder as the repository charge-card',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          if: '${{ steps.plan.output.local }}',
          action: 'atonix:publish:local',
          name: 'Publish to the local git server',
          input: {
            repoName: 'charge-card',
            sourcePath: 'function',
            commitMessage: 'Create charge-card from knative-http-function',
          },
        },
      ],
    }),
  },
];
