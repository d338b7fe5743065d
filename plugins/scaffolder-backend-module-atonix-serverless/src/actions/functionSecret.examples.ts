import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'secret',
    action: 'atonix:function:secret',
    name: 'Encrypt the secret into the GitOps repository',
  },
  [
    {
      description:
        "Store the payment provider's API key, entered in a masked field (parameter apiKey with ui:field: Secret), and read it into PROVIDER_API_KEY",
      input: {
        functionPath: 'gitops-repo/gitops/functions/payments/charge-card',
        name: 'charge-card-provider',
        values: [{ key: 'api-key', value: '${{ secrets.apiKey }}' }],
        env: [{ name: 'PROVIDER_API_KEY', key: 'api-key' }],
        changesPath: 'gitops-changes',
      },
    },
  ],
);
