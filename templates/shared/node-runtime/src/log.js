/**
 * One JSON object per line on stdout: the cluster's log shipper forwards stdout to Loki, where
 * the fields can be filtered with `| json` without any parsing rules on the platform side.
 *
 * @typedef {{
 *   info(msg: string, extra?: Record<string, unknown>): void,
 *   error(msg: string, extra?: Record<string, unknown>): void,
 *   child(fields: Record<string, unknown>): Logger,
 * }} Logger
 */

/**
 * @param {{ write(line: string): unknown }} [stream] stdout in production, an array in tests
 * @param {Record<string, unknown>} [fields] added to every line
 * @returns {Logger}
 */
export function createLogger(stream = process.stdout, fields = {}) {
  /** @param {string} level @param {string} msg @param {Record<string, unknown>} extra */
  const write = (level, msg, extra) =>
    stream.write(
      `${JSON.stringify({
        time: new Date().toISOString(),
        level,
        msg,
        ...fields,
        ...extra,
      })}\n`,
    );
  return {
    info: (msg, extra = {}) => write('info', msg, extra),
    error: (msg, extra = {}) => write('error', msg, extra),
    child: more => createLogger(stream, { ...fields, ...more }),
  };
}

// W3C Trace Context, version 00: https://www.w3.org/TR/trace-context/#traceparent-header
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The log fields of a W3C `traceparent` (the HTTP header Knative's Broker and queue-proxy pass
 * on, or a CloudEvent's `traceparent` extension): `traceId` and `spanId`, so that one request
 * can be followed from the Broker to this function's log lines in Loki
 * (`{...} | json | traceId="..."`). Nothing when the value is absent or malformed.
 *
 * @param {unknown} traceparent
 * @returns {{ traceId?: string, spanId?: string }}
 */
export function traceFields(traceparent) {
  const match = TRACEPARENT.exec(String(traceparent ?? '').trim());
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return {};
  return { traceId: match[1], spanId: match[2] };
}
