import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Validate the GitOps checkout after writing manifests into it, before anything is published',
    example: yaml.stringify({
      steps: [
        {
          id: 'validate',
          action: 'atonix:gitops:validate',
          name: 'Validate the GitOps tree',
          input: { path: 'gitops-repo/gitops' },
        },
      ],
    }),
  },
];
