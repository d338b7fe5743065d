import { createApiRef } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityFunctionsResponse,
  FunctionDetails,
  FunctionListQuery,
  FunctionListResponse,
  FunctionLogsQuery,
  FunctionLogsResponse,
  FunctionMetricsQuery,
  FunctionMetricsResponse,
} from '@internal/backstage-plugin-atonix-serverless-common';

/** Where a function runs: the backend's key for one function. */
export interface FunctionRef {
  cluster: string;
  namespace: string;
  name: string;
}

/**
 * The frontend's only way to the Atonix Serverless backend (`/api/atonix-serverless`). Every
 * method rejects with a `ResponseError` when the backend answers with an error status.
 */
export interface AtonixServerlessApi {
  /** `GET /functions`: one page of the fleet, filtered and sorted by the backend. */
  listFunctions(query?: FunctionListQuery): Promise<FunctionListResponse>;
  /** `GET /functions/:cluster/:namespace/:name`. */
  getFunction(ref: FunctionRef): Promise<FunctionDetails>;
  /** `GET /functions/:cluster/:namespace/:name/metrics`. */
  getFunctionMetrics(
    ref: FunctionRef,
    query?: FunctionMetricsQuery,
  ): Promise<FunctionMetricsResponse>;
  /** `GET /functions/:cluster/:namespace/:name/logs`. */
  getFunctionLogs(
    ref: FunctionRef,
    query?: FunctionLogsQuery,
  ): Promise<FunctionLogsResponse>;
  /** `GET /entity/:kind/:namespace/:name`: the functions a catalog entity describes. */
  getEntityFunctions(
    entity: CompoundEntityRef,
  ): Promise<EntityFunctionsResponse>;
}

export const atonixServerlessApiRef = createApiRef<AtonixServerlessApi>().with({
  id: 'plugin.atonix-serverless.service',
  pluginId: 'atonix-serverless',
});
