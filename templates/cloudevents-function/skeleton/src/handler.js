/**
 * The function itself: called once per CloudEvent that the Trigger in the GitOps folder lets
 * through from the team's Broker. The HTTP server around it (src/server.js) parses the event and
 * answers the Broker.
 *
 * - Return nothing to acknowledge the event (HTTP 202).
 * - Return `{ type, data }` to acknowledge it with a reply event, which the Broker publishes. Make
 *   sure the Trigger's filter does not match the reply's type, or the function receives its own
 *   replies.
 * - Throw to have the Broker retry the delivery (HTTP 500), up to the Trigger's delivery policy.
 *
 * @param {{ id: string, source: string, type: string, subject?: string, data?: unknown }} event
 * @param {{ logger: { info: Function, error: Function } }} context
 */
export async function handle(event, { logger }) {
  logger.info('event received', {
    eventId: event.id,
    eventType: event.type,
    eventSource: event.source,
    eventSubject: event.subject,
  });
}
