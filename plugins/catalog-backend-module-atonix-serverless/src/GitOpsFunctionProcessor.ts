import {
  ANNOTATION_LOCATION,
  ComponentEntity,
  Entity,
  EntityLink,
  isComponentEntity,
  isLocationEntity,
  LocationEntity,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_GITOPS_ERROR,
  ANNOTATION_GITOPS_VIEW,
  ANNOTATION_TEAM,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { driftAnnotations, GITOPS_FUNCTION_ANNOTATIONS } from './entities';
import {
  FunctionDirectory,
  functionRefreshKey,
  locationRefreshKey,
  NO_GITOPS_VIEW,
} from './FunctionDirectory';

function mergeLinks(own: EntityLink[] = [], gitops: EntityLink[] = []) {
  return [...own, ...gitops.filter(l => !own.some(o => o.url === l.url))];
}

/**
 * Makes a function one entity whichever source registered it. A function repository's own
 * `catalog-info.yaml`, when registered, is the entity (its developers own the description, tags,
 * docs and system), and this processor sets on it what only the GitOps folder and the clusters
 * know: owner, lifecycle, runtime, namespace, drift. A function without a GitOps folder says so.
 * Then, for every function, a folder the provider could not read becomes a processing error.
 */
export class GitOpsFunctionProcessor implements CatalogProcessor {
  readonly #directories: FunctionDirectory[];

  /** `directories`: one per provider instance (GitOps repository). */
  constructor(directories: FunctionDirectory[]) {
    this.#directories = directories;
  }

  getProcessorName(): string {
    return 'AtonixServerlessGitOpsFunctionProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    let result = entity;
    if (isLocationEntity(entity)) {
      this.#locationKeys(entity, location, emit);
    }
    if (isComponentEntity(entity) && entity.spec.type === 'function') {
      emit(processingResult.refresh(functionRefreshKey(entity.metadata.name)));
      result = this.#merge(entity);
    }
    const reason = result.metadata.annotations?.[ANNOTATION_GITOPS_ERROR];
    if (reason) {
      emit(processingResult.inputError(location, reason));
    }
    return result;
  }

  /**
   * When the provider hands a function over to a location, it asks for that location's processing
   * at once (by this refresh key) rather than at the catalog's next pass. The catalog skips writing
   * a processing result identical to the last one, and the location's entities are the same as
   * when they conflicted, so a second key that counts hand-overs makes the result new.
   */
  #locationKeys(
    entity: LocationEntity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ) {
    const type = entity.spec.type ?? location.type;
    for (const target of [
      ...(entity.spec.target ? [entity.spec.target] : []),
      ...(entity.spec.targets ?? []),
    ]) {
      const key = `${type}:${target}`;
      emit(processingResult.refresh(locationRefreshKey(key)));
      const handovers = this.#directories.reduce(
        (sum, d) => sum + (d.handovers.get(key) ?? 0),
        0,
      );
      if (handovers > 0) {
        emit(
          processingResult.refresh(
            `${locationRefreshKey(key)}#handovers-${handovers}`,
          ),
        );
      }
    }
  }

  #merge(entity: ComponentEntity): ComponentEntity {
    if (!this.#directories.every(d => d.loaded)) {
      for (const directory of this.#directories) {
        directory.unmerged.add(entity.metadata.name);
      }
      return entity;
    }
    const source = this.#directories.find(d => d.get(entity.metadata.name));
    const gitops = source?.get(entity.metadata.name);
    const annotations = entity.metadata.annotations ?? {};
    if (
      gitops &&
      gitops.metadata.annotations?.[ANNOTATION_LOCATION] ===
        annotations[ANNOTATION_LOCATION]
    ) {
      return entity;
    }
    if (!source || !gitops) {
      const team = annotations[ANNOTATION_TEAM] ?? '<team>';
      return {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...annotations,
            ...driftAnnotations({
              drift: 'not-in-gitops',
              reason: `Registered from ${annotations[ANNOTATION_LOCATION]} but gitops/functions/${team}/${entity.metadata.name} does not exist: it is not deployed through GitOps (its pull request is not merged yet, or the folder was deleted).`,
            }),
            [ANNOTATION_GITOPS_VIEW]: NO_GITOPS_VIEW,
          },
        },
      };
    }
    // Another location holds the function: the provider leaves it to that location.
    for (const directory of this.#directories) {
      if (directory.get(entity.metadata.name)) {
        directory.claimed.add(entity.metadata.name);
      }
    }
    const own = Object.fromEntries(
      Object.entries(annotations).filter(
        ([k]) => !GITOPS_FUNCTION_ANNOTATIONS.includes(k),
      ),
    );
    const fromGitops = Object.fromEntries(
      Object.entries(gitops.metadata.annotations ?? {}).filter(([k]) =>
        GITOPS_FUNCTION_ANNOTATIONS.includes(k),
      ),
    );
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        description: entity.metadata.description ?? gitops.metadata.description,
        annotations: {
          ...own,
          ...fromGitops,
          [ANNOTATION_GITOPS_VIEW]: source.viewOf(entity.metadata.name),
        },
        links: mergeLinks(entity.metadata.links, gitops.metadata.links),
      },
      spec: {
        ...entity.spec,
        owner: gitops.spec.owner,
        lifecycle: gitops.spec.lifecycle,
        dependsOn: [
          ...new Set([
            ...(entity.spec.dependsOn ?? []),
            ...(gitops.spec.dependsOn ?? []),
          ]),
        ],
      },
    };
  }
}
