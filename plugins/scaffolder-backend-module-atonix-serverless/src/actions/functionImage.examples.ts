import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'After publishing the function repository, run the function on the image CI builds from its first commit',
    example: yaml.stringify({
      steps: [
        {
          id: 'image',
          action: 'atonix:function:image',
          name: 'Run the image of the first commit',
          input: {
            functionPath:
              'gitops-repo/${{ steps.manifests.output.gitopsPath }}',
            commit: "${{ steps['publish-github'].output.commitHash }}",
          },
        },
      ],
    }),
  },
];
