import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { ANNOTATION_GITOPS_ERROR } from '@internal/backstage-plugin-atonix-serverless-common';

/**
 * Turns the reason the provider could not read a function folder into a processing error of its
 * entity, so the catalog reports it where it reports every other bad input (the entity page's
 * error panel, the catalog's failed entities, the `catalog-backend-module-logs` log lines) and
 * keeps the function's last good version instead of dropping it.
 */
export class GitOpsErrorProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'AtonixServerlessGitOpsErrorProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const reason = entity.metadata.annotations?.[ANNOTATION_GITOPS_ERROR];
    if (reason) {
      emit(processingResult.inputError(location, reason));
    }
    return entity;
  }
}
