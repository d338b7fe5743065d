import { Content, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { atonixServerlessApiRef } from '../../api';

/** Every function across teams and clusters. */
export function FunctionsPage() {
  const api = useApi(atonixServerlessApiRef);
  const { loading, error } = useAsync(() => api.getHealth(), [api]);

  return (
    <Content>
      {loading && <Progress />}
      {error && (
        <WarningPanel
          severity="error"
          title="The Atonix Serverless backend is unreachable"
        >
          {error.message}
        </WarningPanel>
      )}
      {!loading && !error && <p>Connected to the Atonix Serverless backend.</p>}
    </Content>
  );
}
