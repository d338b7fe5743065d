import { FunctionSpec } from '@internal/backstage-plugin-atonix-serverless-common';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname, join } from 'node:path';
import { addToTeamKustomization, renderFunctionFolder } from './functionFolder';
import { functionFolderPath } from './names';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

/**
 * Writes a function folder and its entry in the team's kustomization under `gitopsDir`. A reader
 * (Flux, git, a second render) never sees a half-written folder: files go to a temporary sibling
 * folder that replaces the old one with renames. The rendered files are the folder's top level and
 * are replaced entirely (a file a render no longer makes goes); its subfolders are the team's own
 * (the saved test events in `events/`) and are carried over. Returns the paths written, relative
 * to `gitopsDir`.
 */
export async function writeFunctionFolder(
  gitopsDir: string,
  spec: FunctionSpec,
): Promise<string[]> {
  const relativeFolder = functionFolderPath(spec);
  const folder = join(gitopsDir, relativeFolder);
  const teamKustomizationPath = join(dirname(folder), 'kustomization.yaml');
  const teamKustomization = addToTeamKustomization(
    await readIfExists(teamKustomizationPath),
    spec.name,
  );
  const files = renderFunctionFolder(spec);

  await fs.mkdir(dirname(folder), { recursive: true });
  const suffix = randomBytes(4).toString('hex');
  const staging = `${folder}.tmp-${suffix}`;
  const previous = `${folder}.old-${suffix}`;
  try {
    await fs.mkdir(staging);
    for (const file of files) {
      await fs.writeFile(join(staging, file.name), file.content);
    }
    const stagedKustomization = `${teamKustomizationPath}.tmp-${suffix}`;
    await fs.writeFile(stagedKustomization, teamKustomization);

    const hadFolder = await fs.stat(folder).then(
      () => true,
      () => false,
    );
    if (hadFolder) {
      for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          await fs.cp(join(folder, entry.name), join(staging, entry.name), {
            recursive: true,
          });
        }
      }
      await fs.rename(folder, previous);
    }
    await fs.rename(staging, folder);
    await fs.rename(stagedKustomization, teamKustomizationPath);
    if (hadFolder) {
      await fs.rm(previous, { recursive: true, force: true });
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
    await fs.rm(`${teamKustomizationPath}.tmp-${suffix}`, { force: true });
  }
  return [
    ...files.map(file => join(relativeFolder, file.name)),
    join(dirname(relativeFolder), 'kustomization.yaml'),
  ];
}
