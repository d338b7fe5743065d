import { stepExamples } from './stepExamples';

export const examples = stepExamples(
  {
    id: 'manifests',
    action: 'atonix:function:manifests',
    name: 'Render the GitOps manifests',
  },
  [
    {
      description:
        'Write the manifests of an HTTP function into the GitOps checkout, with the seed scaling defaults',
      input: {
        repoPath: 'gitops-repo',
        spec: {
          name: 'charge-card',
          team: 'group:default/payments',
          image: 'ghcr.io/atonixcorp/charge-card:latest',
          trigger: { type: 'http' },
        },
      },
    },
    {
      description:
        'A critical event-driven function fed by Kafka, with a Secret reference and limits',
      input: {
        spec: {
          name: 'settle-orders',
          team: 'payments',
          image: 'ghcr.io/atonixcorp/settle-orders:latest',
          critical: true,
          scaling: { minScale: 1, maxScale: 20 },
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          secretEnv: {
            DB_PASSWORD: {
              secretName: 'settle-orders-db',
              key: 'password',
            },
          },
          trigger: {
            type: 'cloudevents',
            filters: { type: 'com.atonix.order.created' },
            source: {
              type: 'kafka',
              bootstrapServers: ['kafka.kafka:9092'],
              topics: ['orders'],
            },
          },
          resources: { limits: { cpu: '500m', memory: '256Mi' } },
        },
      },
    },
  ],
);
