import { mockWorkspace } from '../__testUtils__/workspace';
import { exampleInputs, runAction } from '../__testUtils__/examples';
import { localSettings } from '../__testUtils__/localGit';
import { examples } from './publishPlan.examples';
import { createPublishPlanAction } from './publishPlan';

describe('atonix:publish:plan examples', () => {
  it.each(exampleInputs(examples, 'atonix:publish:plan'))(
    '%s',
    async (_description, input) => {
      const outputs = await runAction(
        createPublishPlanAction({
          settings: localSettings('http://127.0.0.1:7011'),
        }),
        input,
        mockWorkspace().path,
      );
      expect(outputs).toMatchObject({
        local: true,
        remoteUrl: `http://127.0.0.1:7011/AtonixCorp/${input.repoName}.git`,
      });
    },
  );
});
