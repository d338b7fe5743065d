import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'image',
    action: 'atonix:function:image',
    name: 'Run the image of the first commit',
  },
  [
    {
      description:
        'After publishing the function repository, run the function on the image CI builds from its first commit',
      input: {
        functionPath: 'gitops-repo/${{ steps.manifests.output.gitopsPath }}',
        commit: "${{ steps['publish-github'].output.commitHash }}",
      },
    },
  ],
);
