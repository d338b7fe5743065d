import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'publish',
    action: 'atonix:publish:local',
    name: 'Publish to the local git server',
  },
  [
    {
      description:
        'In the local portal, publish the generated ./function folder as the repository charge-card',
      if: '${{ steps.plan.output.local }}',
      input: {
        repoName: 'charge-card',
        sourcePath: 'function',
        commitMessage: 'Create charge-card from knative-http-function',
      },
    },
  ],
);
