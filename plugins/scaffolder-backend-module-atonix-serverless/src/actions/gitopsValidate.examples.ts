import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'validate',
    action: 'atonix:gitops:validate',
    name: 'Validate the GitOps tree',
  },
  [
    {
      description:
        'Validate the GitOps checkout after writing manifests into it, before anything is published',
      input: { path: 'gitops-repo/gitops' },
    },
  ],
);
