import { cloudEventFunction } from './cloudevents.js';

/**
 * The function itself: called once per CloudEvent that the Trigger in the GitOps folder lets
 * through from the team's Broker (`event` is the CNCF SDK's CloudEvent: `id`, `source`, `type`,
 * `subject`, `data`, extension attributes by name). The server around it (src/cloudevents.js,
 * src/server.js) reads the event and answers the Broker.
 *
 * - Return nothing to acknowledge the event (HTTP 202).
 * - Return `{ type, data }` to acknowledge it with a reply event, which the Broker publishes. Make
 *   sure the Trigger's filter does not match the reply's type, or the function receives its own
 *   replies.
 * - Throw to have the Broker retry the delivery (HTTP 500), up to the Trigger's delivery policy.
 *
 * @type {import('./cloudevents.js').OnEvent}
 */
export async function onEvent(event, { logger }) {
  logger.info('event received', {
    eventSource: event.source,
    eventSubject: event.subject,
  });
}

export const handle = cloudEventFunction(onEvent, {
  source: '/${{ values.team }}/${{ values.name }}',
});
