import { CloudEvent, HTTP } from 'cloudevents';
import { traceFields } from './log.js';
import { RequestError } from './server.js';

/**
 * @typedef {{ type: string, data?: unknown, subject?: string }} Reply a reply event's attributes
 * @typedef {(event: CloudEvent<unknown>, context: { logger: import('./log.js').Logger })
 *   => Promise<Reply | undefined>} OnEvent
 */

/**
 * Turns a function of one CloudEvent into the HTTP function the server runs, reading events
 * with the CNCF CloudEvents SDK (binary and structured mode, batches, extension attributes).
 *
 * - `onEvent` returns nothing: the event is acknowledged (HTTP 202).
 * - `onEvent` returns `{ type, data }`: acknowledged with a reply event from `source`, in binary
 *   mode, which the Broker publishes. Keep its type out of the Trigger's filter, or the function
 *   receives its own replies. A batch is acknowledged without replies (the binding has no
 *   batched reply), and a dropped reply is logged.
 * - `onEvent` throws: HTTP 500, and the Broker retries up to the Trigger's delivery policy.
 * - Not a valid CloudEvent: HTTP 400, not retried (it goes to the dead-letter sink, if any).
 *
 * @param {OnEvent} onEvent
 * @param {{ source: string }} options
 * @returns {import('./server.js').Handle}
 */
export function cloudEventFunction(onEvent, { source }) {
  return async ({ method, headers, text }, { logger }) => {
    if (method !== 'POST') {
      throw new RequestError(405, 'CloudEvents are delivered with POST');
    }
    let received;
    try {
      received = HTTP.toEvent({ headers, body: text });
      for (const event of [received].flat()) event.validate();
    } catch (error) {
      const details = (error.errors ?? [])
        .map(detail => detail.message ?? String(detail))
        .join('; ');
      throw new RequestError(
        400,
        `not a valid CloudEvent: ${error.message.trim()}${details ? ` (${details})` : ''}`,
      );
    }
    const replies = [];
    for (const event of [received].flat()) {
      const eventLogger = logger.child({
        ...traceFields(event.traceparent),
        eventId: event.id,
        eventType: event.type,
      });
      const reply = await onEvent(event, { logger: eventLogger });
      if (reply !== undefined) replies.push({ reply, eventLogger });
    }
    if (Array.isArray(received) || replies.length === 0) {
      for (const { reply, eventLogger } of replies) {
        eventLogger.error('reply dropped: a batch cannot be answered with events', {
          replyType: reply.type,
        });
      }
      return { status: 202 };
    }
    const { headers: replyHeaders, body } = HTTP.binary(
      new CloudEvent({ source, ...replies[0].reply }),
    );
    return {
      status: 200,
      headers: /** @type {Record<string, string>} */ (replyHeaders),
      body,
    };
  };
}
