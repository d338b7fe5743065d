import { LoggerService } from '@backstage/backend-plugin-api';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ClusterRuntimes,
  PublishSettings,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { FunctionPermissions } from '../service/FunctionPermissions';
import { TeamDirectory } from '../service/TeamDirectory';
import { createFunctionImageAction } from './functionImage';
import { createFunctionManifestsAction } from './functionManifests';
import { createFunctionSecretAction } from './functionSecret';
import { createFunctionTrafficAction } from './functionTraffic';
import { createGitopsCloneAction } from './gitopsClone';
import { createGitopsCommitAction } from './gitopsCommit';
import { createGitopsValidateAction } from './gitopsValidate';
import { createPublishLocalAction } from './publishLocal';
import { createPublishPlanAction } from './publishPlan';
import { createTeamOnboardAction } from './teamOnboard';
import { withUserFacingErrors } from './userFacingErrors';

/**
 * Every action this module contributes (one action per file in this folder), each failing with a
 * message for the user and its stack in `logger`.
 */
export function createAtonixActions(options: {
  settings: PublishSettings;
  teams: TeamDirectory;
  functionPermissions: FunctionPermissions;
  clusterRuntimes: ClusterRuntimes;
  logger: LoggerService;
}): TemplateAction<any, any, any>[] {
  const { settings, teams, functionPermissions, clusterRuntimes, logger } =
    options;
  const actions: TemplateAction<any, any, any>[] = [
    createFunctionManifestsAction({ teams, clusterRuntimes }),
    createFunctionImageAction(),
    createFunctionSecretAction({ functionPermissions }),
    createFunctionTrafficAction({ functionPermissions }),
    createTeamOnboardAction({ settings, teams }),
    createGitopsValidateAction(),
    createPublishPlanAction({ settings }),
    createGitopsCloneAction({ settings }),
    createPublishLocalAction({ settings }),
    createGitopsCommitAction({ settings }),
  ];
  return actions.map(action => withUserFacingErrors(action, logger));
}
