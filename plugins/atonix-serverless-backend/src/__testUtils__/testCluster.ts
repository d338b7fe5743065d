import { AtonixCluster } from '../clusters';

/**
 * A cluster as the plugin reads it from config (`src/clusters.ts`): `staging`, with no API server
 * listening at its URL and the log labels of the demo's Loki, unless `overrides` says otherwise.
 */
export function testCluster(
  overrides: Partial<AtonixCluster> = {},
): AtonixCluster {
  return {
    name: 'staging',
    url: 'http://127.0.0.1:1',
    skipTLSVerify: false,
    lokiLabels: {
      namespace: 'namespace',
      function: 'fn',
      revision: 'revision',
    },
    ...overrides,
  };
}
