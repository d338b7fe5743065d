import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useInterval from 'react-use/esm/useInterval';
import { atonixServerlessApiRef } from '../../api';

/** How often the status views ask again, so a cluster going away shows up without a reload. */
export const STATUS_REFRESH_MS = 15_000;

/** The functions the current catalog entity describes, in every cluster, kept fresh. */
export function useEntityFunctions() {
  const { entity } = useEntity();
  const api = useApi(atonixServerlessApiRef);
  const state = useAsyncRetry(
    () => api.getEntityFunctions(getCompoundEntityRef(entity)),
    [api, entity],
  );
  useInterval(state.retry, STATUS_REFRESH_MS);
  return state;
}
