import {
  BackstageCredentials,
  BackstageUserInfo,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { FreshCache } from '@internal/backstage-plugin-atonix-serverless-node';

/** How long a decision is reused, unless configured otherwise. */
export const DEFAULT_DECISION_FRESHNESS_MS = 10_000;

/**
 * A decision in use is asked for again once it is this share of its freshness old, in the
 * background: a caller who keeps using the portal never waits for the permission backend's round
 * trip (several milliseconds: a signed token, an HTTP call, two token verifications), only one who
 * comes back after the decision went stale.
 */
const RENEW_AT_SHARE_OF_FRESHNESS = 0.8;

/** Beyond this many callers' decisions the cache starts over, so it never grows with the users. */
const MAX_DECISIONS = 10_000;

/**
 * The permission backend's decisions on the function permissions, reused for a short time per
 * caller. A decision on a resource permission is a function of the permission, the caller and the
 * caller's ownership claims (the policy's whole input besides its own configuration), so a caller
 * with the same claims gets the same decision; reusing it for `freshnessMs` spares each request a
 * call to the permission backend (a signed token, an HTTP round trip, two token verifications).
 * A policy that also reads something that changes (the catalog, a clock) is at most `freshnessMs`
 * behind. A token with other claims, or another caller, asks again; a failed call is not kept. A
 * decision in use is renewed in the background before it goes stale.
 */
export class ConditionalDecisions {
  readonly #permissions: PermissionsService;
  readonly #userInfo: UserInfoService;
  readonly #decisions: FreshCache<PolicyDecision>;
  /**
   * A user's claims as a key, by the user info they were read from: Backstage's user info service
   * answers a token with the same object for a few seconds, so a caller's requests sort and
   * serialize their ownership claims once rather than on every request.
   */
  readonly #claimKeys = new WeakMap<BackstageUserInfo, string>();

  static create(options: {
    permissions: PermissionsService;
    userInfo: UserInfoService;
    freshnessMs?: number;
    now?: () => number;
  }): ConditionalDecisions {
    return new ConditionalDecisions(options);
  }

  private constructor(options: {
    permissions: PermissionsService;
    userInfo: UserInfoService;
    freshnessMs?: number;
    now?: () => number;
  }) {
    this.#permissions = options.permissions;
    this.#userInfo = options.userInfo;
    const freshnessMs = options.freshnessMs ?? DEFAULT_DECISION_FRESHNESS_MS;
    this.#decisions = new FreshCache({
      freshnessMs,
      renewAfterMs: freshnessMs * RENEW_AT_SHARE_OF_FRESHNESS,
      maxEntries: MAX_DECISIONS,
      now: options.now,
    });
  }

  /** The caller's decision on `permission`: allowed, denied, or conditions to apply. */
  async decide(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const key = await this.#keyOf(permission, credentials);
    const ask = () =>
      this.#permissions
        .authorizeConditional([{ permission }], { credentials })
        .then(([answer]) => answer as PolicyDecision);
    return key === undefined ? ask() : this.#decisions.get(key, ask);
  }

  async #keyOf(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    const principal = credentials.principal as {
      type: string;
      subject?: string;
    };
    if (principal.type === 'user') {
      const info = await this.#userInfo.getUserInfo(credentials);
      let claims = this.#claimKeys.get(info);
      if (claims === undefined) {
        claims = JSON.stringify([
          'user',
          info.userEntityRef,
          [...info.ownershipEntityRefs].sort(),
        ]);
        this.#claimKeys.set(info, claims);
      }
      return `${permission.name} ${claims}`;
    }
    if (principal.type === 'service' && principal.subject) {
      return `${permission.name} ${JSON.stringify([
        'service',
        principal.subject,
      ])}`;
    }
    return undefined;
  }
}
