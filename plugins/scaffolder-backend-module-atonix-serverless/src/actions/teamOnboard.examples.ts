import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Onboard the team search under platform into the GitOps checkout at ./gitops-repo',
    example: yaml.stringify({
      steps: [
        {
          id: 'onboard',
          action: 'atonix:team:onboard',
          name: 'Onboard the team',
          input: {
            team: 'search',
            description: 'Search and recommendations',
            alertEmail: 'search-oncall@example.com',
            parent: 'group:default/platform',
            repoPath: 'gitops-repo',
          },
        },
      ],
    }),
  },
];
