import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { AtonixServerlessApi, FunctionRef } from './AtonixServerlessApi';

type QueryValue = string | number | boolean | string[] | undefined;

type Api = AtonixServerlessApi;

/**
 * Talks to `/api/atonix-serverless` with the signed-in user's credentials. Each member is typed by
 * the interface, which documents its route and types once; here it only says which URL it asks.
 */
export class AtonixServerlessClient implements AtonixServerlessApi {
  readonly #discoveryApi: DiscoveryApi;
  readonly #fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  readonly getRuntimeAvailability: Api['getRuntimeAvailability'] = () =>
    this.#request('/runtimes');

  readonly listFunctions: Api['listFunctions'] = (query = {}) =>
    this.#request('/functions', { ...query });

  readonly getFunction: Api['getFunction'] = ref =>
    this.#request(functionPath(ref));

  readonly getFunctionMetrics: Api['getFunctionMetrics'] = (ref, query = {}) =>
    this.#request(functionPath(ref, 'metrics'), { ...query });

  readonly getFunctionAlerts: Api['getFunctionAlerts'] = ref =>
    this.#request(functionPath(ref, 'alerts'));

  readonly getFunctionLogs: Api['getFunctionLogs'] = (ref, query = {}) =>
    this.#request(functionPath(ref, 'logs'), { ...query });

  readonly getTraffic: Api['getTraffic'] = ref =>
    this.#request(functionPath(ref, 'traffic'));

  readonly changeTraffic: Api['changeTraffic'] = (ref, change) =>
    this.#request(functionPath(ref, 'traffic'), {}, change);

  readonly getEntityFunctions: Api['getEntityFunctions'] = entity =>
    this.#request(pathOf('entity', entity.kind, entity.namespace, entity.name));

  readonly listTestEvents: Api['listTestEvents'] = ref =>
    this.#request(functionPath(ref, 'events'));

  readonly invokeFunction: Api['invokeFunction'] = (ref, body) =>
    this.#request(functionPath(ref, 'invoke'), {}, body);

  readonly syncFunction: Api['syncFunction'] = ref =>
    this.#request(functionPath(ref, 'sync'), {}, {});

  readonly getFunctionTrace: Api['getFunctionTrace'] = ref =>
    this.#request(functionPath(ref, 'trace'));

  readonly writeFunctionSecret: Api['writeFunctionSecret'] = (ref, secret) =>
    this.#request(functionPath(ref, 'secrets'), {}, secret);

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

function functionPath(ref: FunctionRef, route?: string) {
  const path = pathOf('functions', ref.cluster, ref.namespace, ref.name);
  return route ? `${path}/${route}` : path;
}

/** `/first/second/...`, each name escaped: cluster, namespace and entity names come from data. */
function pathOf(...names: string[]) {
  return `/${names.map(encodeURIComponent).join('/')}`;
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
