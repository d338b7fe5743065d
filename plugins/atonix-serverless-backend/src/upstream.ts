import { Config } from '@backstage/config';
import { Unavailable } from '@internal/backstage-plugin-atonix-serverless-common';

/*
 * The outbound calls to a cluster's Prometheus, Loki and Flux receiver: each is bounded by a
 * timeout; for reads, any failure becomes an `{ unavailable: <reason> }` answer instead of an error
 * of the whole API.
 */

/** Fetch with a timeout whose error says what timed out, for Prometheus, Loki and Flux calls. */
export async function fetchWithTimeout(
  url: string,
  timeoutMs: number,
  what: string,
  init: RequestInit = {},
): Promise<Response> {
  try {
    return await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new Error(`${what} did not answer within ${timeoutMs} ms`);
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `${what} is unreachable${cause ? ` (${cause})` : ''}: ${
        (error as Error).message
      }`,
    );
  }
}

/** `atonix.queryTimeoutSeconds` (default 5) in milliseconds: the bound of each Prometheus and Loki call. */
export function queryTimeoutMs(config: Config): number {
  return (config.getOptionalNumber('atonix.queryTimeoutSeconds') ?? 5) * 1000;
}

/** How a client of a cluster's upstream is built: the bound of each of its calls. */
export interface UpstreamClientOptions {
  timeoutMs: number;
}

/**
 * A client of a cluster's Prometheus, Loki or Flux receiver: every call it makes is bounded by the
 * same timeout (the plugin gives it {@link queryTimeoutMs}).
 */
export abstract class UpstreamClient {
  readonly #timeoutMs: number;

  /** Builds a client of the class it is called on: `LokiLogs.create({ timeoutMs })`. */
  static create<T extends UpstreamClient>(
    this: new (options: UpstreamClientOptions) => T,
    options: UpstreamClientOptions,
  ): T {
    return new this(options);
  }

  constructor(options: UpstreamClientOptions) {
    this.#timeoutMs = options.timeoutMs;
  }

  /** {@link fetchWithTimeout} with this client's timeout; `what` names the upstream in errors. */
  protected fetchUpstream(
    url: string,
    what: string,
    init?: RequestInit,
  ): Promise<Response> {
    return fetchWithTimeout(url, this.#timeoutMs, what, init);
  }
}

/** The result of `read`, or `{ unavailable: <its error message> }` when it fails. */
export async function orUnavailable<T>(
  read: () => Promise<T>,
): Promise<T | Unavailable> {
  try {
    return await read();
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}
