import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check out the GitOps repository into ./gitops-repo before anything is published',
    example: yaml.stringify({
      steps: [
        {
          id: 'gitops',
          action: 'atonix:gitops:clone',
          name: 'Check out the GitOps repository',
          input: { targetPath: 'gitops-repo' },
        },
      ],
    }),
  },
];
