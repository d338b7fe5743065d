import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
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
  FunctionSecretResponse,
  RuntimeAvailability,
  FunctionTrafficView,
  TrafficChange,
  GitopsChangeTask,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixServerlessApi, FunctionRef } from './AtonixServerlessApi';

type QueryValue = string | number | boolean | string[] | undefined;

/** Talks to `/api/atonix-serverless` with the signed-in user's credentials. */
export class AtonixServerlessClient implements AtonixServerlessApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async listFunctions(
    query: FunctionListQuery = {},
  ): Promise<FunctionListResponse> {
    return this.#request('/functions', { ...query });
  }

  async getRuntimeAvailability(): Promise<{ items: RuntimeAvailability[] }> {
    return this.#request('/runtimes');
  }

  async getFunction(ref: FunctionRef): Promise<FunctionDetails> {
    return this.#request(functionPath(ref));
  }

  async getFunctionMetrics(
    ref: FunctionRef,
    query: FunctionMetricsQuery = {},
  ): Promise<FunctionMetricsResponse> {
    return this.#request(`${functionPath(ref)}/metrics`, { ...query });
  }

  async getFunctionAlerts(ref: FunctionRef): Promise<FunctionAlertsResponse> {
    return this.#request(`${functionPath(ref)}/alerts`);
  }

  async getFunctionLogs(
    ref: FunctionRef,
    query: FunctionLogsQuery = {},
  ): Promise<FunctionLogsResponse> {
    return this.#request(`${functionPath(ref)}/logs`, { ...query });
  }

  async getTraffic(ref: FunctionRef): Promise<FunctionTrafficView> {
    return this.#request(`${functionPath(ref)}/traffic`);
  }

  async changeTraffic(
    ref: FunctionRef,
    change: TrafficChange,
  ): Promise<GitopsChangeTask> {
    return this.#request(`${functionPath(ref)}/traffic`, {}, change);
  }

  async getEntityFunctions(
    entity: CompoundEntityRef,
  ): Promise<EntityFunctionsResponse> {
    return this.#request(
      `/entity/${[entity.kind, entity.namespace, entity.name]
        .map(encodeURIComponent)
        .join('/')}`,
    );
  }

  async writeFunctionSecret(
    ref: FunctionRef,
    secret: FunctionSecretRequest,
  ): Promise<FunctionSecretResponse> {
    return this.#request(`${functionPath(ref)}/secrets`, {}, secret);
  }

  async listTestEvents(ref: FunctionRef): Promise<SavedTestEventsResponse> {
    return this.#request(`${functionPath(ref)}/events`);
  }

  async invokeFunction(
    ref: FunctionRef,
    body: InvokeRequest,
  ): Promise<InvokeResult> {
    return this.#request(`${functionPath(ref)}/invoke`, {}, body);
  }

  async syncFunction(ref: FunctionRef): Promise<SyncResponse> {
    return this.#request(`${functionPath(ref)}/sync`, {}, {});
  }

  async getFunctionTrace(ref: FunctionRef): Promise<FunctionTrace> {
    return this.#request(`${functionPath(ref)}/trace`);
  }

  /** A GET, or a POST of `body` as JSON when one is given. */
  async #request<T>(
    path: string,
    query: Record<string, QueryValue> = {},
    body?: unknown,
  ) {
    const baseUrl = await this.#discoveryApi.getBaseUrl('atonix-serverless');
    const search = toSearchParams(query);
    const url = `${baseUrl}${path}${search ? `?${search}` : ''}`;
    const response = await (body === undefined
      ? this.#fetchApi.fetch(url)
      : this.#fetchApi.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }));
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function functionPath(ref: FunctionRef) {
  return `/functions/${[ref.cluster, ref.namespace, ref.name]
    .map(encodeURIComponent)
    .join('/')}`;
}

/** Multi-valued filters go as one comma-separated parameter, which the backend accepts. */
function toSearchParams(query: Record<string, QueryValue>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      continue;
    }
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString();
}
