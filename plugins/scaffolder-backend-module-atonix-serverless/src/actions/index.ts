import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { PublishSettings } from '../service/PublishSettings';
import { TeamDirectory } from '../service/TeamDirectory';
import { createFunctionImageAction } from './functionImage';
import { createFunctionManifestsAction } from './functionManifests';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';
import { createGitopsValidateAction } from './gitopsValidate';
import { createPublishLocalAction } from './publishLocal';
import { createPublishPlanAction } from './publishPlan';
import { createTeamOnboardAction } from './teamOnboard';

/** Every action this module contributes; one action per file in this folder. */
export function createAtonixActions(options: {
  settings: PublishSettings;
  teams: TeamDirectory;
}): TemplateAction<any, any, any>[] {
  const { settings, teams } = options;
  return [
    createFunctionManifestsAction({ teams }),
    createFunctionImageAction(),
    createTeamOnboardAction({ settings, teams }),
    createGitopsValidateAction(),
    createPublishPlanAction({ settings }),
    createGitopsCloneAction({ settings }),
    createPublishLocalAction({ settings }),
    createGitopsCommitAction({ settings }),
  ];
}
