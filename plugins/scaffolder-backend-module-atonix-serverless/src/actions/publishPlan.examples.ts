import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  { id: 'plan', action: 'atonix:publish:plan', name: 'Plan publishing' },
  [
    {
      description:
        'Plan where the function charge-card goes; later steps use ${{ steps.plan.output.local }} in if:',
      input: { repoName: 'charge-card' },
    },
  ],
);
