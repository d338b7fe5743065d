import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationSeverity } from '@backstage/plugin-notifications-common';
import { FunctionStatus } from '@internal/backstage-plugin-atonix-serverless-common';
import { AlertTransition } from './FunctionAlerts';

/** The notification's urgency for each alert severity; a resolved alert is news, not urgent. */
const NOTIFICATION_SEVERITY: Record<string, NotificationSeverity> = {
  critical: 'critical',
  warning: 'high',
  info: 'normal',
};

/**
 * Tells a function's owners (the Group of its catalog entity) when one of its alerts starts firing
 * and when it resolves, as a Backstage notification linking to the function's Serverless tab. One
 * notification per alert (its scope is the alert's fingerprint): the resolve updates the one the
 * start created. A function not linked to its entity yet has no known owner and nobody is told:
 * the owner is never guessed from the team label.
 */
export function notifyOwners(options: {
  functionOf: (
    cluster: string,
    namespace: string,
    name: string,
  ) => FunctionStatus | undefined;
  notifications: NotificationService;
  logger: LoggerService;
}) {
  const { functionOf, notifications, logger } = options;
  return async ({
    cluster,
    namespace,
    function: name,
    alert,
  }: AlertTransition) => {
    const fn = functionOf(cluster, namespace, name);
    if (!fn?.entityRef || !fn.owner) {
      logger.debug(
        `Alert ${alert.name} of ${namespace}/${name} is ${alert.state}, but the function has no catalog entity with an owner yet: nobody to tell`,
      );
      return;
    }
    const entity = parseEntityRef(fn.entityRef);
    const firing = alert.state === 'firing';
    await notifications.send({
      recipients: { type: 'entity', entityRef: fn.owner },
      payload: {
        title: `${name}: ${alert.name} ${firing ? 'is firing' : 'resolved'}`,
        description: alert.summary,
        link: `/catalog/${entity.namespace}/${entity.kind.toLocaleLowerCase(
          'en-US',
        )}/${entity.name}/serverless`,
        severity: firing
          ? NOTIFICATION_SEVERITY[alert.severity] ?? 'normal'
          : 'low',
        topic: `Function alerts: ${namespace}/${name}`,
        scope: `atonix-alert:${cluster}:${alert.fingerprint}`,
      },
    });
  };
}
