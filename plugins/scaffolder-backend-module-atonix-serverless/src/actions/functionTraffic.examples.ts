import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'traffic',
    action: 'atonix:function:traffic',
    name: "Change the function's traffic",
  },
  [
    {
      description:
        'Roll charge-card back to its revision charge-card-v1 and copy the changed files for a pull request',
      input: {
        functionPath: 'gitops-repo/gitops/functions/payments/charge-card',
        change: { action: 'rollback', revisionName: 'charge-card-v1' },
        requestedBy: 'user:default/ada',
        changesPath: 'gitops-changes',
      },
    },
    {
      description:
        'Send 10 % of the traffic to the latest revision, tagged canary',
      input: {
        functionPath: 'gitops-repo/gitops/functions/payments/charge-card',
        change: {
          action: 'split',
          traffic: [
            { revisionName: 'charge-card-v1', percent: 90 },
            { latestRevision: true, percent: 10, tag: 'canary' },
          ],
        },
        requestedBy: 'user:default/ada',
      },
    },
  ],
);
