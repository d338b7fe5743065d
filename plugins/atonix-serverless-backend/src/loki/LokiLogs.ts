import {
  FunctionLogLine,
  FunctionLogsResponse,
  FunctionStatus,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import { labelSelector, quoteLabelValue } from '../queryLanguage';
import { UpstreamClient, orUnavailable } from '../upstream';

/** The most lines one answer carries, whatever the caller asks for. */
export const MAX_LOG_LINES = 1000;
/** The longest line returned; longer ones are cut so one runaway line cannot bloat an answer. */
const MAX_LINE_LENGTH = 4096;

export interface LogsRequest {
  sinceSeconds: number;
  limit: number;
  direction: 'backward' | 'forward';
  revision?: string;
  filter?: string;
}

/**
 * Recent log lines of one function from the cluster's Loki: the pods of the function's namespace
 * and `backstage.io/kubernetes-id` (optionally one Knative revision), a case-sensitive text filter,
 * a time window, a capped limit. Every call has a timeout; when Loki is not configured, down, slow
 * or refuses the query the answer is `{ unavailable: <reason> }`.
 */
export class LokiLogs extends UpstreamClient {
  /** The LogQL for a request; every label value and the filter text are quoted. */
  static logQuery(
    cluster: AtonixCluster,
    fn: FunctionStatus,
    request: LogsRequest,
  ): string {
    const labels: Record<string, string> = {
      [cluster.lokiLabels.namespace]: fn.namespace,
      [cluster.lokiLabels.function]: fn.name,
    };
    if (request.revision) {
      labels[cluster.lokiLabels.revision] = request.revision;
    }
    const filter = request.filter
      ? ` |= ${quoteLabelValue(request.filter)}`
      : '';
    return `${labelSelector(labels)}${filter}`;
  }

  async functionLogs(
    cluster: AtonixCluster,
    fn: FunctionStatus,
    request: LogsRequest,
    now = Date.now(),
  ): Promise<FunctionLogsResponse> {
    if (!cluster.lokiUrl) {
      return {
        unavailable: `No Loki is configured for cluster "${cluster.name}"; set atonix.clusters.${cluster.name}.loki`,
      };
    }
    const query = LokiLogs.logQuery(cluster, fn, request);
    const limit = Math.min(request.limit, MAX_LOG_LINES);
    const endNs = BigInt(now) * 1_000_000n;
    const params = new URLSearchParams({
      query,
      // One more than asked, to tell whether the answer was cut.
      limit: String(limit + 1),
      direction: request.direction,
      start: String(endNs - BigInt(request.sinceSeconds) * 1_000_000_000n),
      end: String(endNs),
    });
    const what = `Loki at ${cluster.lokiUrl}`;
    return orUnavailable(async () => {
      const res = await this.fetchUpstream(
        `${cluster.lokiUrl}/loki/api/v1/query_range?${params}`,
        what,
      );
      const text = await res.text();
      if (!res.ok) {
        throw new Error(
          `${what} refused the query ${query} (${res.status}): ${text
            .trim()
            .slice(0, 200)}`,
        );
      }
      const body = JSON.parse(text) as {
        data?: {
          resultType?: string;
          result?: Array<{
            stream: Record<string, string>;
            values: Array<[string, string]>;
          }>;
        };
      };
      if (body.data?.resultType !== 'streams') {
        throw new Error(
          `${what} answered with ${
            body.data?.resultType ?? 'no'
          } result instead of streams`,
        );
      }
      const lines: Array<FunctionLogLine & { ns: bigint }> = [];
      for (const { stream, values } of body.data.result ?? []) {
        for (const [ts, line] of values) {
          const ns = BigInt(ts);
          lines.push({
            ns,
            timestamp: new Date(Number(ns / 1_000_000n)).toISOString(),
            line:
              line.length > MAX_LINE_LENGTH
                ? `${line.slice(0, MAX_LINE_LENGTH)}…`
                : line,
            labels: stream,
          });
        }
      }
      // Loki groups lines by stream; the caller wants one timeline.
      lines.sort((a, b) => {
        const order = a.ns < b.ns ? -1 : Number(a.ns > b.ns);
        return request.direction === 'forward' ? order : -order;
      });
      return {
        lines: lines.slice(0, limit).map(({ ns: _ns, ...line }) => line),
        truncated: lines.length > limit,
        query,
      };
    });
  }
}
