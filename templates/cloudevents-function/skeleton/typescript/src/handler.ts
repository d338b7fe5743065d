import type { CloudEvent } from 'cloudevents';
import { cloudEventFunction, type Reply } from './cloudevents.js';
import type { Logger } from './log.js';

/**
 * The function itself: called once per CloudEvent that the Trigger in the GitOps folder lets
 * through from the team's Broker (`event` is the CNCF SDK's CloudEvent: `id`, `source`, `type`,
 * `subject`, `data`, extension attributes by name). The server around it (src/cloudevents.js,
 * src/server.js, shared with the platform's JavaScript functions) reads the event and answers
 * the Broker.
 *
 * - Return nothing to acknowledge the event (HTTP 202).
 * - Return `{ type, data }` to acknowledge it with a reply event, which the Broker publishes. Make
 *   sure the Trigger's filter does not match the reply's type, or the function receives its own
 *   replies.
 * - Throw to have the Broker retry the delivery (HTTP 500), up to the Trigger's delivery policy.
 */
export async function onEvent(
  event: CloudEvent<unknown>,
  { logger }: { logger: Logger },
): Promise<Reply | undefined> {
  logger.info('event received', {
    eventSource: event.source,
    eventSubject: event.subject,
  });
  return undefined;
}

export const handle = cloudEventFunction(onEvent, {
  source: '/${{ values.team }}/${{ values.name }}',
});
