import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'gitops-commit',
    action: 'atonix:gitops:commit',
    name: 'Commit to the GitOps repository',
  },
  [
    {
      description:
        'In the local portal, push the manifests written into ./gitops-repo to the GitOps branch',
      if: '${{ steps.plan.output.local }}',
      input: {
        path: 'gitops-repo',
        commitMessage: 'Add function payments/charge-card',
      },
    },
  ],
);
