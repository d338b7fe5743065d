import {
  BackstageCredentials,
  BackstagePrincipalTypes,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { Request, RequestHandler } from 'express';

/** Beyond this many verified tokens the oldest is dropped, so the cache never grows with the users. */
const MAX_TOKENS = 2_000;

type CallerType = keyof Pick<BackstagePrincipalTypes, 'user' | 'service'>;

/**
 * The caller's credentials, each user token verified once and reused until it expires.
 *
 * Backstage verifies the token on every request (`auth.authenticate`): jose checks its ES256
 * signature with WebCrypto, a job for libuv's thread pool. That hop cost 0.2 ms at the median of
 * the fleet benchmark's reads, and on a busy machine a request also waits for the pool's thread and
 * then for the main thread to be scheduled again: 3.4 % of reads spent over 1 ms in it, up to
 * 16 ms. A user token that verified keeps verifying until its `exp`: the auth backend publishes a
 * signing key for three times the lifetime of the tokens it signs (`listPublicKeys` in
 * `@backstage/plugin-auth-backend` 0.30.1, src/identity/TokenFactory.ts), and Backstage has no
 * revocation of user tokens. So the answer for one `Authorization` header is kept, by that exact
 * header, until the credentials' `expiresAt`.
 *
 * Only a user's own credentials with an expiry are kept. Service tokens (other plugins calling,
 * on a user's behalf too: the credentials carry the user token's expiry, not the plugin token's)
 * and every refusal go through Backstage each time.
 */
export class CallerCredentials {
  readonly #httpAuth: HttpAuthService;
  readonly #now: () => number;
  readonly #maxTokens: number;
  /** Verified user credentials by `Authorization` header, oldest first. */
  readonly #byHeader = new Map<string, BackstageCredentials>();

  static create(options: {
    httpAuth: HttpAuthService;
    now?: () => number;
    maxTokens?: number;
  }): CallerCredentials {
    return new CallerCredentials(options);
  }

  private constructor(options: {
    httpAuth: HttpAuthService;
    now?: () => number;
    maxTokens?: number;
  }) {
    this.#httpAuth = options.httpAuth;
    this.#now = options.now ?? Date.now;
    this.#maxTokens = options.maxTokens ?? MAX_TOKENS;
  }

  /**
   * The request's credentials if they are of an `allow`ed type; otherwise the same errors as
   * `httpAuth.credentials`: AuthenticationError (401) without valid credentials, NotAllowedError
   * (403) for a type the route does not take.
   */
  async credentials<T extends CallerType>(
    req: Request,
    allow: T[],
  ): Promise<BackstageCredentials<BackstagePrincipalTypes[T]>> {
    const header = req.headers.authorization;
    const known = header ? this.#byHeader.get(header) : undefined;
    if (known && known.expiresAt!.getTime() > this.#now()) {
      if (!allow.includes('user' as T)) {
        throw new NotAllowedError(
          `This endpoint does not allow 'user' credentials`,
        );
      }
      return known as BackstageCredentials<BackstagePrincipalTypes[T]>;
    }
    if (known) this.#byHeader.delete(header!);
    const credentials = await this.#httpAuth.credentials(req, { allow });
    if (
      header &&
      credentials.principal.type === 'user' &&
      // A plugin calling on a user's behalf: its own token's expiry is not in the credentials.
      !(credentials.principal as BackstageUserPrincipal).actor &&
      credentials.expiresAt &&
      credentials.expiresAt.getTime() > this.#now()
    ) {
      this.#remember(header, credentials);
    }
    return credentials;
  }

  /** Refuses (401) any request without user or service credentials, before its route runs. */
  middleware(): RequestHandler {
    return (req, _res, next) => {
      this.credentials(req, ['user', 'service']).then(() => next(), next);
    };
  }

  #remember(header: string, credentials: BackstageCredentials) {
    this.#byHeader.set(header, credentials);
    if (this.#byHeader.size > this.#maxTokens) {
      // Maps iterate in insertion order: the first key is the longest kept.
      this.#byHeader.delete(this.#byHeader.keys().next().value!);
    }
  }
}
