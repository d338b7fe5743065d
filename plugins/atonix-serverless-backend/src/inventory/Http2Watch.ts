import { STATUS_CODES, type OutgoingHttpHeaders } from 'node:http';
import http2, { type ClientHttp2Session } from 'node:http2';
import type { RequestOptions } from 'node:https';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { KubeConfig, Watch } from '@kubernetes/client-node';

/**
 * One cluster's HTTP/2 connection to its API server, which the cluster's watches share as streams:
 * an idle HTTP/1.1 watch connection costs about 0.3 MB of native memory, and a cluster watching 11
 * resources over HTTP/1.1 held 11 of them (bench/README.md). Lists stay on client-node's HTTP/1.1
 * client (see ClusterWatcher's list pages).
 *
 * kube-apiserver offers h2 by ALPN on its secure port unless started with `--disable-http2-serving`
 * (k8s.io/apiserver v0.36.3, the version tools/kube-apiserver pins: pkg/server/secure_serving.go:52
 * `NextProtos: []string{"h2", "http/1.1"}`, :56-59 the flag) and allows 100 concurrent streams per
 * connection unless `--http2-max-streams-per-connection` says otherwise (secure_serving.go:192-199).
 * A server that does not pick h2 (an HTTP/1.1-only proxy in front of it, that flag, a plain-HTTP
 * URL) is remembered and read over client-node's own HTTP/1.1 client and {@link Watch}.
 *
 * The session is opened on the first watch and reopened by the first watch after it ended (the
 * server's GOAWAY or idle timeout, a socket error): the watches on it end with the error, and the
 * informer resumes them from their last resourceVersion.
 */
export class KubeHttp2Connection {
  readonly #config: KubeConfig;
  /** How long the TLS handshake, a PING and a watch's first answer may take. */
  readonly answerTimeoutMs: number;
  #session?: Promise<ClientHttp2Session | undefined>;
  /** The session {@link #session} resolved to, to forget it when it ends. */
  #current?: ClientHttp2Session;
  #http1Only = false;
  #closed = false;

  constructor(config: KubeConfig, options: { answerTimeoutMs: number }) {
    this.#config = config;
    this.answerTimeoutMs = options.answerTimeoutMs;
  }

  /**
   * The open session, connecting first when there is none; `undefined` when the server does not
   * speak HTTP/2, so the caller falls back to HTTP/1.1.
   */
  session(): Promise<ClientHttp2Session | undefined> {
    if (this.#closed) {
      return Promise.reject(new Error('the cluster connection is closed'));
    }
    if (this.#http1Only) return Promise.resolve(undefined);
    this.#session ??= this.#connect().catch(error => {
      this.#session = undefined;
      throw error;
    });
    return this.#session;
  }

  /**
   * Asks the server for a PING answer within {@link answerTimeoutMs} and ends the session when none
   * comes: a watch that got no answer may sit on a connection whose peer is gone without a reset
   * (with HTTP/1.1 its restart took a new connection; here it would take a new stream on the same
   * dead one).
   */
  checkAlive(session: ClientHttp2Session): void {
    if (this.#closed || session.destroyed || session.closed) return;
    const timer = setTimeout(
      () =>
        session.destroy(
          new Error(
            `no answer to an HTTP/2 PING within ${this.answerTimeoutMs} ms`,
          ),
        ),
      this.answerTimeoutMs,
    );
    timer.unref();
    // Answered, or cancelled because the session is ending anyway (the only error a PING gets).
    const sent = session.ping(() => clearTimeout(timer));
    if (!sent) clearTimeout(timer);
  }

  /**
   * The headers of a GET of `path` with `query` (undefined values left out), authenticated as
   * client-node authenticates its own requests: the bearer token (also from a token file or an
   * exec plugin, refreshed as client-node refreshes them), basic auth, impersonation.
   */
  async requestHeaders(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
  ): Promise<OutgoingHttpHeaders> {
    const cluster = this.#config.getCurrentCluster();
    if (!cluster) throw new Error('No currently active cluster');
    const url = new URL(cluster.server + path);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value.toString());
    }
    const options: RequestOptions = {};
    await this.#config.applyToHTTPSOptions(options);
    const headers: OutgoingHttpHeaders = {
      ':method': 'GET',
      ':path': `${url.pathname}${url.search}`,
      accept: 'application/json',
    };
    for (const [key, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) headers[key.toLowerCase()] = value;
    }
    if (options.auth) {
      headers.authorization = `Basic ${Buffer.from(options.auth).toString(
        'base64',
      )}`;
    }
    return headers;
  }

  /** Closes the session and ends the streams still on it; no watch starts after this. */
  async close(): Promise<void> {
    this.#closed = true;
    const session = await this.#session?.catch(() => undefined);
    this.#session = undefined;
    session?.destroy();
  }

  async #connect(): Promise<ClientHttp2Session | undefined> {
    const server = this.#config.getCurrentCluster()?.server;
    if (!server) throw new Error('No currently active cluster');
    const url = new URL(server);
    if (url.protocol !== 'https:') {
      this.#http1Only = true;
      return undefined;
    }
    // CA, client certificate and key, skipTLSVerify and tlsServerName exactly as client-node applies
    // them to its own HTTPS requests (dist/config.js applyToHTTPSOptions, applyHTTPSOptions).
    const tlsOptions: RequestOptions = {};
    await this.#config.applyToHTTPSOptions(tlsOptions);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      servername:
        tlsOptions.servername ?? (isIP(host) ? undefined : url.hostname),
      ca: tlsOptions.ca,
      cert: tlsOptions.cert,
      key: tlsOptions.key,
      pfx: tlsOptions.pfx,
      passphrase: tlsOptions.passphrase,
      rejectUnauthorized: tlsOptions.rejectUnauthorized,
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new Error(
            `no TLS handshake with ${url.host} within ${this.answerTimeoutMs} ms`,
          ),
        );
      }, this.answerTimeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', error => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      this.#http1Only = true;
      return undefined;
    }
    // What client-node's Watch does to its HTTP/1.1 watch sockets (dist/watch.js:42-46).
    socket.setKeepAlive(true, 30_000);
    const session = http2.connect(url.origin, {
      createConnection: () => socket,
    });
    const forget = () => {
      if (this.#current === session) {
        this.#current = undefined;
        this.#session = undefined;
      }
    };
    this.#current = session;
    // After a GOAWAY the streams the server accepted run to their end; new ones go to a new session.
    session.once('goaway', forget);
    session.once('close', forget);
    session.on('error', forget);
    return session;
  }
}

/**
 * client-node's {@link Watch} (v1.4.0, dist/watch.js) over a stream of the cluster's shared
 * {@link KubeHttp2Connection}, with the same contract, so client-node's `ListWatch` (its list,
 * resourceVersion and 410 Gone handling) runs unchanged on top: the same URL and query parameters,
 * the same headers from the KubeConfig (bearer token, token file, exec plugin, impersonation),
 * `callback(type, object, event)` per JSON line, lines that are not JSON skipped, a status other
 * than 200 thrown as an error with its `statusCode`, and `done` called once: with `null` when the
 * server ends the watch, with the error when it fails or is aborted.
 */
export class Http2Watch extends Watch {
  readonly #connection: KubeHttp2Connection;

  constructor(config: KubeConfig, connection: KubeHttp2Connection) {
    super(config);
    this.#connection = connection;
  }

  override async watch(
    path: string,
    queryParams: Record<string, any>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    if (!this.config.getCurrentCluster()) {
      throw new Error('No currently active cluster');
    }
    const controller = new AbortController();
    let doneCalled = false;
    const doneCallOnce = (err: any) => {
      if (!doneCalled) {
        doneCalled = true;
        controller.abort();
        done(err);
      }
    };
    let opened: ClientHttp2Session | undefined;
    try {
      opened = await this.#connection.session();
    } catch (error) {
      doneCallOnce(error);
      return controller;
    }
    if (!opened) {
      return super.watch(path, queryParams, callback, done);
    }
    const session = opened;

    const headers = await this.#connection.requestHeaders(path, {
      watch: 'true',
      ...queryParams,
    });
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(headers, { endStream: true });
    } catch (error) {
      doneCallOnce(error);
      return controller;
    }
    controller.signal.addEventListener('abort', () => {
      if (!stream.closed) {
        stream.close(http2.constants.NGHTTP2_CANCEL);
      }
      if (!doneCalled) {
        // Stopped by the informer: for a hung watch, whose connection may be gone unannounced.
        this.#connection.checkAlive(session);
        // As client-node's aborted fetch does, the informer hears of its own stop as an AbortError.
        doneCallOnce(controller.signal.reason);
      }
    });
    stream.on('error', doneCallOnce);
    // A stream the server reset without an error event (one refused after a GOAWAY) or ended.
    stream.once('close', () => {
      const code = stream.rstCode;
      doneCallOnce(
        code && code !== http2.constants.NGHTTP2_NO_ERROR
          ? new Error(
              `the API server reset the watch stream (HTTP/2 error code ${code})`,
            )
          : null,
      );
    });
    // The API server sends the headers as the watch starts; without them the connection is suspect.
    await new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        doneCallOnce(
          new Error(
            `no answer to the watch within ${
              this.#connection.answerTimeoutMs
            } ms`,
          ),
        );
        this.#connection.checkAlive(session);
        resolve();
      }, this.#connection.answerTimeoutMs);
      stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      stream.once('response', responseHeaders => {
        clearTimeout(timer);
        const status = Number(responseHeaders[':status']);
        if (status !== 200) {
          const error: Error & { statusCode?: number } = new Error(
            STATUS_CODES[status] ?? 'Internal Server Error',
          );
          error.statusCode = status;
          doneCallOnce(error);
          resolve();
          return;
        }
        const lines = lineSplitter(line => {
          let event: { type: string; object: unknown };
          try {
            event = JSON.parse(line);
          } catch {
            return;
          }
          callback(event.type, event.object, event);
        });
        stream.setEncoding('utf8');
        stream.on('data', lines.write);
        stream.on('end', () => {
          lines.end();
          doneCallOnce(null);
        });
        resolve();
      });
    });
    return controller;
  }
}

/**
 * Calls `onLine` with each line of a text stream, given its chunks as they come, however they cut
 * the lines. Not node:readline, whose interface (its state, listeners and decoder) took about
 * 1 KB of heap per open watch: 220 of them for 20 clusters.
 */
export function lineSplitter(onLine: (line: string) => void) {
  let partial = '';
  return {
    write(chunk: string) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      lines.forEach(line => onLine(line));
    },
    /** The stream ended: its last line, if it did not end with a newline. */
    end() {
      if (partial) onLine(partial);
      partial = '';
    },
  };
}
