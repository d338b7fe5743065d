import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterSyncStatus,
  FunctionListResponse,
  FunctionPlacement,
} from '@internal/backstage-plugin-atonix-serverless-common';

/** The functions the clusters run, as the Atonix Serverless backend's watch cache knows them. */
export interface ClusterInventory {
  items: FunctionPlacement[];
  clusters: ClusterSyncStatus[];
}

/** The largest page `GET /functions` serves. */
const PAGE_SIZE = 500;

/**
 * Reads `GET /api/atonix-serverless/functions` with the catalog's own service credentials, page by
 * page: the snapshot the module's drift view starts from (then the backend's placement events keep
 * it). The backend owns the cluster connections and their watch caches, so the catalog asks it
 * rather than opening a second set of watches on every cluster.
 */
export class FunctionInventoryClient {
  readonly #discovery: DiscoveryService;
  readonly #auth: AuthService;

  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
  }): FunctionInventoryClient {
    return new FunctionInventoryClient(options.discovery, options.auth);
  }

  private constructor(discovery: DiscoveryService, auth: AuthService) {
    this.#discovery = discovery;
    this.#auth = auth;
  }

  async list(): Promise<ClusterInventory> {
    const baseUrl = await this.#discovery.getBaseUrl('atonix-serverless');
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: 'atonix-serverless',
    });
    const items: FunctionPlacement[] = [];
    let clusters: ClusterSyncStatus[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const response = await fetch(
        `${baseUrl}/functions?offset=${offset}&limit=${PAGE_SIZE}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const page = (await response.json()) as FunctionListResponse;
      items.push(...page.items);
      clusters = page.clusters;
      if (page.items.length === 0 || items.length >= page.totalCount) {
        return { items, clusters };
      }
    }
  }
}
