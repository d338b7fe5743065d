import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mockWorkspace } from '../__testUtils__/workspace';
import { withUserFacingErrors } from './userFacingErrors';

describe('withUserFacingErrors', () => {
  const failing = createTemplateAction({
    id: 'atonix:test:fail',
    async handler() {
      throw new InputError('team "nobody" is not a Group; pick your team');
    },
  });

  it('shows the user the message without server paths or stack frames, and logs the stack', async () => {
    const logger = mockServices.logger.mock();
    const action = withUserFacingErrors(failing, logger);
    const error = await action
      .handler(
        createMockActionContext({ workspacePath: mockWorkspace().path }) as any,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('team "nobody" is not a Group; pick your team');
    expect(error.stack).toBe(
      'InputError: team "nobody" is not a Group; pick your team',
    );
    expect(error.stack).not.toMatch(/\bat .*\//);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Scaffolder action atonix:test:fail failed: InputError: team "nobody".*\n\s+at /s,
      ),
    );
  });

  it('passes a successful run through', async () => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      workspacePath: mockWorkspace().path,
    });
    const action = withUserFacingErrors(
      createTemplateAction({
        id: 'atonix:test:ok',
        async handler(c) {
          c.output('done', true);
        },
      }),
      logger,
    );
    await action.handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('done', true);
    expect(logger.error).not.toHaveBeenCalled();
  });
});
