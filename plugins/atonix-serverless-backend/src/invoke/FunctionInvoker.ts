import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  FunctionDetails,
  InvokeResult,
  testCloudEventSchema,
  testRequestSchema,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { CloudEvent, HTTP } from 'cloudevents';
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { AtonixCluster } from '../clusters';

/** A test request after defaults: what {@link FunctionInvoker.invoke} sends. */
export type OutgoingTestRequest = z.output<typeof testRequestSchema>;

/**
 * Headers a test may not set: hop-by-hop headers, and `host` and `content-length`, which the
 * invoker sets itself (the Host header is what routes the request at the ingress).
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
]);

/**
 * The HTTP request that carries a CloudEvent, in binary (attributes as `ce-*` headers) or structured
 * mode (`application/cloudevents+json`), by the CNCF SDK's HTTP binding.
 */
export function cloudEventRequest(
  input: z.input<typeof testCloudEventSchema>,
): OutgoingTestRequest {
  const { mode, extensions, ...attributes } = testCloudEventSchema.parse(input);
  const event = new CloudEvent({ ...extensions, ...attributes });
  const message =
    mode === 'binary' ? HTTP.binary(event) : HTTP.structured(event);
  return {
    method: 'POST',
    path: '/',
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([k, v]) => [k, String(v)]),
    ),
    body: message.body as string,
  };
}

export interface FunctionInvokerOptions {
  timeoutMs: number;
  maxBodyBytes: number;
}

/**
 * Sends test requests to functions through their cluster's ingress. The request is built only from
 * what the test gives: nothing of the portal user's request (their Backstage token, cookies) is
 * passed on.
 */
export class FunctionInvoker {
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;

  static create(options: FunctionInvokerOptions): FunctionInvoker {
    return new FunctionInvoker(options);
  }

  private constructor(options: FunctionInvokerOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  async invoke(
    cluster: AtonixCluster,
    fn: FunctionDetails,
    target: { revision?: string },
    request: OutgoingTestRequest,
  ): Promise<InvokeResult> {
    if (!cluster.ingressUrl) {
      throw new ServiceUnavailableError(
        `Cluster "${cluster.name}" has no ingress for test requests; set atonix.clusters.${cluster.name}.ingress to the base URL of its ingress (e.g. http://kourier.kourier-system)`,
      );
    }
    const { url, servingRevisions } = targetOf(fn, target.revision);
    const coldStart = servingRevisions.length
      ? servingRevisions.every(
          name =>
            (fn.revisions.find(r => r.name === name)?.actualReplicas ?? 0) ===
            0,
        )
      : fn.replicas.actual === 0;
    const functionUrl = new URL(url);
    const path = `${functionUrl.pathname.replace(/\/+$/, '')}${request.path}`;
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        .map(([k, v]) => [k.toLowerCase(), v] as const)
        .filter(([k]) => !RESERVED_HEADERS.has(k)),
    );
    let body: string | undefined;
    if (request.body !== undefined && request.body !== null) {
      if (typeof request.body === 'string') {
        body = request.body;
      } else {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
    }
    const sent = { method: request.method, path: request.path, headers };
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const base = {
      url,
      ...(target.revision ? { revision: target.revision } : {}),
      coldStart,
      sent,
    };
    try {
      const response = await this.#send(
        `${cluster.ingressUrl}${path}`,
        request.method,
        { ...headers, host: functionUrl.host },
        body,
      );
      return { ...base, latencyMs: elapsed(), response };
    } catch (error) {
      return { ...base, latencyMs: elapsed(), error: (error as Error).message };
    }
  }

  #send(
    address: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<NonNullable<InvokeResult['response']>> {
    const client = address.startsWith('https:') ? https : http;
    const limit = this.#maxBodyBytes;
    const timeoutMs = this.#timeoutMs;
    return new Promise((resolve, reject) => {
      const req = client.request(
        address,
        {
          method,
          headers:
            body === undefined
              ? headers
              : {
                  ...headers,
                  'content-length': String(Buffer.byteLength(body)),
                },
          signal: AbortSignal.timeout(timeoutMs),
        },
        res => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          let truncated = false;
          const finish = () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: Object.fromEntries(
                Object.entries(res.headers).map(([k, v]) => [
                  k,
                  Array.isArray(v) ? v.join(', ') : String(v),
                ]),
              ),
              body: Buffer.concat(chunks).subarray(0, limit).toString('utf8'),
              bodyBytes: bytes,
              truncated,
            });
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            chunks.push(chunk);
            // Stop reading a body past the limit: a function streaming forever must not hold the
            // backend until the timeout.
            if (bytes > limit) {
              truncated = true;
              res.destroy();
              finish();
            }
          });
          res.on('end', finish);
          res.on('error', error => (truncated ? undefined : reject(error)));
        },
      );
      req.on('error', error => {
        if (error.name === 'AbortError' || error.name === 'TimeoutError') {
          reject(
            new Error(`The function did not answer within ${timeoutMs} ms`),
          );
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          new Error(
            `The ingress ${new URL(address).origin} is unreachable${
              code ? ` (${code})` : ''
            }: ${error.message}`,
          ),
        );
      });
      req.end(body);
    });
  }
}

/** The URL a test request is for, and the revisions that may serve it. */
function targetOf(
  fn: FunctionDetails,
  revision: string | undefined,
): { url: string; servingRevisions: string[] } {
  if (revision) {
    if (!fn.revisions.some(r => r.name === revision)) {
      throw new InputError(
        `Function ${fn.namespace}/${
          fn.name
        } has no revision "${revision}"; its revisions are ${
          fn.revisions.map(r => r.name).join(', ') || 'none'
        }`,
      );
    }
    const tagged = fn.traffic.find(t => t.revisionName === revision && t.url);
    if (!tagged?.url) {
      throw new InputError(
        `Revision ${revision} has no tag, so it has no URL of its own; give it a tag in the function's traffic (function.yaml in its GitOps folder), or test the function's URL`,
      );
    }
    return { url: tagged.url, servingRevisions: [revision] };
  }
  if (!fn.url) {
    throw new InputError(
      `Function ${fn.namespace}/${fn.name} has no URL yet (${
        fn.message ?? 'its runtime has not reported one'
      }); test it once it is ready`,
    );
  }
  return {
    url: fn.url,
    servingRevisions: fn.traffic
      .filter(t => t.percent > 0)
      .map(t => t.revisionName),
  };
}
