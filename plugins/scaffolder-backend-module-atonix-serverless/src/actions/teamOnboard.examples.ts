import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** The team's age public key on each cluster of gitops/clusters (age-keygen prints it). */
const ageRecipients = {
  staging: 'age1ek5qgepjnr8aq58tghd7mq2ahp8knky7jk4t2m0n73tmd99w0v6sa4lh93',
  production: 'age1646rsurcljmhglpnd02p0s0fnnuweugvxual8cw8krvz8924vdmqmdazdt',
};

/** A template with the one onboarding step, given these inputs besides the team and its keys. */
function onboardTeamSearch(input: Record<string, string>) {
  return yaml.stringify({
    steps: [
      {
        id: 'onboard',
        action: 'atonix:team:onboard',
        name: 'Onboard the team',
        input: {
          team: 'search',
          alertEmail: 'search-oncall@example.com',
          ageRecipients,
          repoPath: 'gitops-repo',
          ...input,
        },
      },
    ],
  });
}

export const examples: TemplateExample[] = [
  {
    description:
      'Onboard the team search under platform into the GitOps checkout at ./gitops-repo, with its public age keys for staging and production',
    example: onboardTeamSearch({
      description: 'Search and recommendations',
      parent: 'group:default/platform',
    }),
  },
  {
    description:
      'Onboard the team search with its image-pull Secret: the registry token is entered in a masked field (parameter registryToken with ui:field: Secret) and written only SOPS-encrypted, as gitops/functions/search/secrets/ghcr-pull.sops.yaml',
    example: onboardTeamSearch({
      registryUsername: 'atonix-bot',
      registryToken: '${{ secrets.registryToken }}',
      changesPath: 'gitops-changes',
    }),
  },
];
