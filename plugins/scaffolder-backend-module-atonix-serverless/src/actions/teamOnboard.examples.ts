import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'onboard',
    action: 'atonix:team:onboard',
    name: 'Onboard the team',
    input: {
      team: 'search',
      alertEmail: 'search-oncall@example.com',
      // The team's age public key on each cluster of gitops/clusters (age-keygen prints it).
      ageRecipients: {
        staging:
          'age1ek5qgepjnr8aq58tghd7mq2ahp8knky7jk4t2m0n73tmd99w0v6sa4lh93',
        production:
          'age1646rsurcljmhglpnd02p0s0fnnuweugvxual8cw8krvz8924vdmqmdazdt',
      },
      repoPath: 'gitops-repo',
    },
  },
  [
    {
      description:
        'Onboard the team search under platform into the GitOps checkout at ./gitops-repo, with its public age keys for staging and production',
      input: {
        description: 'Search and recommendations',
        parent: 'group:default/platform',
      },
    },
    {
      description:
        'Onboard the team search with its image-pull Secret: the registry token is entered in a masked field (parameter registryToken with ui:field: Secret) and written only SOPS-encrypted, as gitops/functions/search/secrets/ghcr-pull.sops.yaml',
      input: {
        registryUsername: 'atonix-bot',
        registryToken: '${{ secrets.registryToken }}',
        changesPath: 'gitops-changes',
      },
    },
  ],
);
