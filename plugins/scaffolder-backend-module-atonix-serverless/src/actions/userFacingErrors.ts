import { LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * The action with errors fit for its user. The scaffolder writes a failed step's `error.stack` into
 * the task log the user reads, which would show server file paths and stack frames
 * ("at Object.handler (/…/plugins/…)"). The backend log keeps the whole stack; the error the
 * scaffolder sees keeps its type and message, with a stack of just `<name>: <message>`.
 */
export function withUserFacingErrors<A extends TemplateAction<any, any, any>>(
  action: A,
  logger: LoggerService,
): A {
  return {
    ...action,
    async handler(ctx) {
      try {
        return await action.handler(ctx);
      } catch (error) {
        if (isError(error)) {
          logger.error(`Scaffolder action ${action.id} failed: ${error.stack}`);
          error.stack = `${error.name}: ${error.message}`;
        }
        throw error;
      }
    },
  };
}
