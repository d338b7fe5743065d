import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { PublishSettings } from '../service/PublishSettings';
import { TeamDirectory } from '../service/TeamDirectory';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';
import { createPublishLocalAction } from './publishLocal';
import { createPublishPlanAction } from './publishPlan';

/** Every action this module contributes; one action per file in this folder. */
export function createAtonixActions(options: {
  settings: PublishSettings;
  teams: TeamDirectory;
}): TemplateAction<any, any, any>[] {
  const { settings } = options;
  return [
    createPublishPlanAction({ settings }),
    createGitopsCloneAction({ settings }),
    createPublishLocalAction({ settings }),
    createGitopsCommitAction({ settings }),
  ];
}
