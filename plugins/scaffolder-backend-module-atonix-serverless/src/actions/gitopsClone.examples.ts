import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'gitops',
    action: 'atonix:gitops:clone',
    name: 'Check out the GitOps repository',
  },
  [
    {
      description:
        'Check out the GitOps repository into ./gitops-repo before anything is published',
      input: { targetPath: 'gitops-repo' },
    },
  ],
);
