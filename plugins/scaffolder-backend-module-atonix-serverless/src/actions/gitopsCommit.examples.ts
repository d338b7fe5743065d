import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'In the local portal, push the manifests written into ./gitops-repo to the GitOps branch',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitops-commit',
          if: '${{ steps.plan.output.local }}',
          action: 'atonix:gitops:commit',
          name: 'Commit to the GitOps repository',
          input: {
            path: 'gitops-repo',
            commitMessage: 'Add function payments/charge-card',
          },
        },
      ],
    }),
  },
];
