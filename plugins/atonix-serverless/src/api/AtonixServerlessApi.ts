import { createApiRef } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  EntityFunctionsResponse,
  FunctionAlertsResponse,
  FunctionDetails,
  FunctionListQuery,
  FunctionListResponse,
  FunctionLogsQuery,
  FunctionLogsResponse,
  FunctionMetricsQuery,
  FunctionMetricsResponse,
  FunctionTrace,
  InvokeRequest,
  InvokeResult,
  SavedTestEventsResponse,
  SyncResponse,
  FunctionSecretRequest,
  RuntimeAvailability,
  FunctionSecretResponse,
  FunctionTrafficView,
  TrafficChange,
  GitopsChangeTask,
} from '@internal/backstage-plugin-atonix-serverless-common';

/** Where a function runs: the backend's key for one function. */
export interface FunctionRef {
  cluster: string;
  namespace: string;
  name: string;
}

/** The key of a function the backend reported. */
export function functionRefOf(fn: FunctionRef): FunctionRef {
  return { cluster: fn.cluster, namespace: fn.namespace, name: fn.name };
}

/**
 * The frontend's only way to the Atonix Serverless backend (`/api/atonix-serverless`). Every
 * method rejects with a `ResponseError` when the backend answers with an error status.
 */
export interface AtonixServerlessApi {
  /** `GET /runtimes`: whether each runtime runs on every cluster (the template form asks). */
  getRuntimeAvailability(): Promise<{ items: RuntimeAvailability[] }>;
  /** `GET /functions`: one page of the fleet, filtered and sorted by the backend. */
  listFunctions(query?: FunctionListQuery): Promise<FunctionListResponse>;
  /** `GET /functions/:cluster/:namespace/:name`. */
  getFunction(ref: FunctionRef): Promise<FunctionDetails>;
  /** `GET /functions/:cluster/:namespace/:name/metrics`. */
  getFunctionMetrics(
    ref: FunctionRef,
    query?: FunctionMetricsQuery,
  ): Promise<FunctionMetricsResponse>;
  /** `GET /functions/:cluster/:namespace/:name/alerts`: firing and recently resolved alerts. */
  getFunctionAlerts(ref: FunctionRef): Promise<FunctionAlertsResponse>;
  /** `GET /functions/:cluster/:namespace/:name/logs`. */
  getFunctionLogs(
    ref: FunctionRef,
    query?: FunctionLogsQuery,
  ): Promise<FunctionLogsResponse>;
  /** `GET /functions/:cluster/:namespace/:name/traffic`: the split in git, and a pending change. */
  getTraffic(ref: FunctionRef): Promise<FunctionTrafficView>;
  /** `POST /functions/:cluster/:namespace/:name/traffic`: starts the task that commits the change (local) or opens its pull request. */
  changeTraffic(
    ref: FunctionRef,
    change: TrafficChange,
  ): Promise<GitopsChangeTask>;
  /** `GET /entity/:kind/:namespace/:name`: the functions a catalog entity describes. */
  getEntityFunctions(
    entity: CompoundEntityRef,
  ): Promise<EntityFunctionsResponse>;
  /** `GET /functions/:cluster/:namespace/:name/events`: saved test events of its GitOps folder. */
  listTestEvents(ref: FunctionRef): Promise<SavedTestEventsResponse>;
  /** `POST /functions/:cluster/:namespace/:name/invoke`: send a test request or CloudEvent. */
  invokeFunction(ref: FunctionRef, body: InvokeRequest): Promise<InvokeResult>;
  /** `POST /functions/:cluster/:namespace/:name/sync`: ask Flux to reconcile it now. */
  syncFunction(ref: FunctionRef): Promise<SyncResponse>;
  /** `GET /functions/:cluster/:namespace/:name/trace`: what runs, and why. */
  getFunctionTrace(ref: FunctionRef): Promise<FunctionTrace>;
  /**
   * `POST /functions/:cluster/:namespace/:name/secrets`: starts the task that encrypts the secret
   * and commits it (or opens its pull request); for the function's owners.
   */
  writeFunctionSecret(
    ref: FunctionRef,
    secret: FunctionSecretRequest,
  ): Promise<FunctionSecretResponse>;
}

export const atonixServerlessApiRef = createApiRef<AtonixServerlessApi>().with({
  id: 'plugin.atonix-serverless.service',
  pluginId: 'atonix-serverless',
});
