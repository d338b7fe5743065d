import {
  BackstageCredentials,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  FUNCTION_RESOURCE_TYPE,
  FunctionSpec,
  formatFunctionSpecIssues,
} from '@internal/backstage-plugin-atonix-serverless-common';
import {
  FUNCTION_FILE_NAME,
  functionFolderPath,
  parseFunctionFile,
} from '@internal/backstage-plugin-atonix-serverless-node';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import type { z as zod } from 'zod/v3';
import { dirname, join, posix, resolve } from 'node:path';
import { FunctionPermissions } from './FunctionPermissions';

/** The `functionPath` input of the actions that change a rendered function. */
export const functionPathInput = (z: typeof zod) =>
  z
    .string()
    .describe(
      'Workspace folder of the rendered function: the GitOps checkout and the gitopsPath atonix:function:manifests outputs, e.g. gitops-repo/gitops/functions/payments/charge-card',
    );

/** The `changesPath` input of the actions whose changes a pull request carries ({@link writtenChanges}). */
export const changesPathInput = (z: typeof zod) =>
  z
    .string()
    .optional()
    .describe(
      'Workspace folder that receives a copy of just the files written, at their repository paths (the sourcePath of a pull request)',
    );

/** A function folder of the workspace's GitOps checkout, as the actions that change one read it. */
export interface WorkspaceFunction {
  /** The `gitops/` folder the function lives in. */
  gitopsDir: string;
  spec: FunctionSpec;
}

/**
 * Reads the function at `functionPath` (a workspace folder: the GitOps checkout plus the
 * `gitopsPath` atonix:function:manifests outputs) and checks it is where its spec says it lives,
 * `functions/<team>/<name>` below the GitOps root.
 */
export async function readWorkspaceFunction(
  workspacePath: string,
  functionPath: string,
): Promise<WorkspaceFunction> {
  const folder = resolveSafeChildPath(workspacePath, functionPath);
  const text = await readFile(join(folder, FUNCTION_FILE_NAME), 'utf8').catch(
    error => {
      if (error.code === 'ENOENT') {
        throw new NotFoundError(
          `${functionPath}/${FUNCTION_FILE_NAME} does not exist; run atonix:function:manifests first and pass its checkout and gitopsPath`,
        );
      }
      throw error;
    },
  );
  const parsed = parseFunctionFile(text);
  if (!parsed.success) {
    throw new InputError(
      `${functionPath}/${FUNCTION_FILE_NAME} is invalid:\n${formatFunctionSpecIssues(
        parsed.issues,
      )}`,
    );
  }
  const gitopsDir = resolve(folder, '..', '..', '..');
  if (join(gitopsDir, functionFolderPath(parsed.spec)) !== folder) {
    throw new InputError(
      `${functionPath} holds the function ${parsed.spec.team}/${parsed.spec.name}, which belongs in functions/${parsed.spec.team}/${parsed.spec.name}; pass the folder atonix:function:manifests wrote`,
    );
  }
  return { gitopsDir, spec: parsed.spec };
}

/**
 * {@link readWorkspaceFunction}, for a change that needs a function permission (its secrets, its
 * traffic): refused, with the permission and what to do, unless the permission policy allows it to
 * the user who runs the template on this function ({@link FunctionPermissions}).
 */
export async function readPermittedFunction(options: {
  ctx: {
    workspacePath: string;
    getInitiatorCredentials(): Promise<BackstageCredentials>;
  };
  functionPermissions: FunctionPermissions;
  functionPath: string;
  /** The common package's permission for the change, as the backend's route checks it. */
  permission: ResourcePermission<typeof FUNCTION_RESOURCE_TYPE>;
}): Promise<WorkspaceFunction> {
  const { ctx, functionPermissions, functionPath, permission } = options;
  const workspaceFunction = await readWorkspaceFunction(
    ctx.workspacePath,
    functionPath,
  );
  await functionPermissions.assertAllowed(
    permission,
    workspaceFunction.spec,
    await ctx.getInitiatorCredentials(),
  );
  return workspaceFunction;
}

/**
 * Copies `files` (paths relative to `repoDir`) into `changesDir` at the same paths: the sourcePath
 * of a pull request that must carry only what an action wrote, not the whole checkout.
 */
export async function copyChanges(
  repoDir: string,
  changesDir: string,
  files: string[],
): Promise<void> {
  for (const file of files) {
    const target = resolveSafeChildPath(changesDir, file);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(resolveSafeChildPath(repoDir, file), target);
  }
}

/**
 * The files an action wrote below the checkout's `gitopsDir` (paths relative to it), as repository
 * paths (`gitops/...`, each once), copied into the workspace folder `changesPath` when given.
 */
export async function writtenChanges(
  workspacePath: string,
  gitopsDir: string,
  written: string[],
  changesPath: string | undefined,
): Promise<string[]> {
  const files = [...new Set(written)].map(file => posix.join('gitops', file));
  if (changesPath) {
    await copyChanges(
      dirname(gitopsDir),
      resolveSafeChildPath(workspacePath, changesPath),
      files,
    );
  }
  return files;
}
