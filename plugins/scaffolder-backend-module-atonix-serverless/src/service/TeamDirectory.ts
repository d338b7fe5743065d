import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * The catalog's view of teams and functions, as the actions need it: does a team exist, may this
 * user create functions for it (`restrictToOwnTeams`), is a function name still free. Changes to
 * an existing function are the permission policy's to decide (`FunctionPermissions`). Calls carry the initiating user's credentials,
 * so the catalog's own permissions apply as well.
 */
export class TeamDirectory {
  readonly #catalog: CatalogService;
  readonly #userInfo: UserInfoService;
  readonly #restrictToOwnTeams: boolean;

  static create(options: {
    catalog: CatalogService;
    userInfo: UserInfoService;
    restrictToOwnTeams: boolean;
  }): TeamDirectory {
    return new TeamDirectory(options);
  }

  private constructor(options: {
    catalog: CatalogService;
    userInfo: UserInfoService;
    restrictToOwnTeams: boolean;
  }) {
    this.#catalog = options.catalog;
    this.#userInfo = options.userInfo;
    this.#restrictToOwnTeams = options.restrictToOwnTeams;
  }

  /**
   * Turns `payments` or `group:default/payments` (what the form's owner picker returns) into the
   * team name, rejecting refs to anything but a Group.
   */
  static teamName(team: string): string {
    let ref;
    try {
      ref = parseEntityRef(team, { defaultKind: 'group' });
    } catch (error) {
      throw new InputError(`team "${team}" is not a Group reference: ${error}`);
    }
    if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
      throw new InputError(
        `team "${team}" is a ${ref.kind}; the owner of a function must be a Group (a team)`,
      );
    }
    return ref.name;
  }

  /** Fails unless `team` is a Group in the catalog. */
  async assertTeamExists(
    team: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const ref = stringifyEntityRef({ kind: 'group', name: team });
    const group = await this.#catalog.getEntityByRef(ref, { credentials });
    if (!group) {
      throw new InputError(
        `team "${team}" is not a Group in the catalog (${ref}); pick an existing team, or onboard it first with the team-onboarding template`,
      );
    }
  }

  /** Fails unless `team` is a Group in the catalog that the user may act for. */
  async assertTeamUsable(
    team: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    await this.assertTeamExists(team, credentials);
    if (!this.#restrictToOwnTeams) return;
    const ref = stringifyEntityRef({ kind: 'group', name: team });
    const { ownershipEntityRefs } = await this.#userInfo.getUserInfo(
      credentials,
    );
    if (!ownershipEntityRefs.includes(ref)) {
      throw new NotAllowedError(
        `you are not a member of team "${team}" (${ref}); create functions for your own team, or ask a member of ${team} (atonix.scaffolder.restrictToOwnTeams is on)`,
      );
    }
  }

  /** Fails if a Group of that name exists already. */
  async assertTeamNew(
    team: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const ref = stringifyEntityRef({ kind: 'group', name: team });
    if (await this.#catalog.getEntityByRef(ref, { credentials })) {
      throw new ConflictError(
        `team "${team}" exists already (${ref}); choose another name`,
      );
    }
  }

  /**
   * Fails if a Component of that name exists: catalog names are unique per namespace, so a second
   * function of the same name could not be registered even in another team.
   */
  async assertComponentNameFree(
    name: string,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const ref = stringifyEntityRef({ kind: 'component', name });
    const existing = await this.#catalog.getEntityByRef(ref, { credentials });
    if (existing) {
      throw new ConflictError(
        `a function named "${name}" exists already (${ref}, owner ${
          existing.spec?.owner ?? 'unknown'
        }); choose another name`,
      );
    }
  }
}
