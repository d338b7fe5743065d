import { InputError, NotFoundError } from '@backstage/errors';
import {
  SavedTestEvent,
  SavedTestEventsResponse,
  savedTestEventSchema,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { posix } from 'node:path';
import { functionFolder, GitOpsRepository } from '../gitops/GitOpsRepository';

/**
 * A function's saved test events: the `events/*.json` files of its GitOps folder
 * (`gitops/functions/<team>/<name>/events/`), in the format of the function repositories' own
 * `events/` folders. A file that cannot be read is listed with its error, not dropped.
 */
export class SavedTestEvents {
  readonly #repository: GitOpsRepository;

  static create(options: { repository: GitOpsRepository }): SavedTestEvents {
    return new SavedTestEvents(options.repository);
  }

  private constructor(repository: GitOpsRepository) {
    this.#repository = repository;
  }

  async list(team: string, name: string): Promise<SavedTestEventsResponse> {
    const tree = await this.#repository.read();
    const folder = functionFolder(team, name);
    const events = tree.files
      .filter(
        file =>
          posix.dirname(file.path) === `${folder}/events` &&
          file.path.endsWith('.json'),
      )
      .map(file => parseEvent(file.path, file.content));
    return { folder, revision: tree.revision, events };
  }

  /** One saved event by name, ready to send; a missing or broken one is an error that says why. */
  async get(team: string, name: string, event: string) {
    const { folder, events } = await this.list(team, name);
    const found = events.find(e => e.name === event);
    if (!found) {
      throw new NotFoundError(
        `No saved test event "${event}" in ${folder}/events/; the saved events are ${
          events.map(e => e.name).join(', ') || 'none'
        }`,
      );
    }
    if ('error' in found) {
      throw new InputError(found.error);
    }
    return found;
  }
}

function parseEvent(path: string, content: string): SavedTestEvent {
  const name = posix.basename(path, '.json');
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    return {
      name,
      path,
      error: `${path} is not JSON: ${(error as Error).message}`,
    };
  }
  const parsed = savedTestEventSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map(issue => `${issue.path.join('.') || '(file)'}: ${issue.message}`)
      .join('; ');
    return {
      name,
      path,
      error: `${path} is not a saved test event (${problems}); see "Saved test events" in templates/README.md`,
    };
  }
  return { name, path, ...parsed.data };
}
