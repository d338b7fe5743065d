import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Alert } from '@material-ui/lab';

/** Says so when the portal runs in demo mode, so nobody mistakes seeded traffic for production. */
export function DemoBanner() {
  const config = useApi(configApiRef);
  if (!config.getOptionalBoolean('atonix.demo')) {
    return null;
  }
  return (
    <Alert severity="info" role="status">
      Demo data: these functions run on the in-repo test servers (Kubernetes and
      Loki) and a local Prometheus seeded with synthetic traffic, not on a real
      cluster.
    </Alert>
  );
}
