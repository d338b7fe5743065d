import { InputError, NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleInputs, outputsOf } from '../__testUtils__/examples';
import {
  CHARGE_CARD_PATH,
  writeChargeCard,
} from '../__testUtils__/functionFolder';
import { functionPermissionsFor } from '../__testUtils__/functionPermissions';
import {
  mockWorkspace,
  refusalOf,
  unchangedBy,
} from '../__testUtils__/workspace';
import { createFunctionTrafficAction } from './functionTraffic';
import { examples } from './functionTraffic.examples';

describe('atonix:function:traffic', () => {
  let workspace: ReturnType<typeof mockWorkspace>;

  beforeEach(async () => {
    workspace = mockWorkspace();
    // At its second named revision, all traffic on the latest.
    await writeChargeCard(workspace.path, {
      image:
        'ghcr.io/atonixcorp/charge-card:0123456789abcdef0123456789abcdef01234567',
      revisionName: 'charge-card-v2',
    });
  });

  async function run(
    input: Record<string, unknown>,
    /** `groups`: the user's teams, for the permission policy (default: payments, the owner). */
    options: { groups?: string[]; isDryRun?: boolean } = {},
  ) {
    const ctx = {
      ...createMockActionContext({
        input: { requestedBy: 'user:default/ada', ...input } as any,
        workspacePath: workspace.path,
      }),
      isDryRun: options.isDryRun ?? false,
    };
    await createFunctionTrafficAction({
      functionPermissions: functionPermissionsFor(
        options.groups ?? ['payments'],
      ),
    }).handler(ctx as any);
    return outputsOf(ctx);
  }

  const readYaml = async (path: string) =>
    parse(await readFile(join(workspace.path, path), 'utf8'));

  it('rolls back: function.yaml routes to the revision, the rendered Service too, and the pull request gets only those files', async () => {
    const outputs = await run({
      functionPath: CHARGE_CARD_PATH,
      change: { action: 'rollback', revisionName: 'charge-card-v1' },
      changesPath: 'gitops-changes',
    });
    expect(outputs.subject).toBe(
      'payments/charge-card: traffic charge-card-v1 100 %',
    );
    expect(outputs.commitMessage).toBe(
      'payments/charge-card: traffic charge-card-v1 100 %\n\nAsked for in the portal (rollback).\n\nAtonix-Change: traffic\nRequested-By: user:default/ada\n',
    );
    const spec = await readYaml(`${CHARGE_CARD_PATH}/function.yaml`);
    expect(spec.traffic).toEqual([
      { revisionName: 'charge-card-v1', percent: 100 },
    ]);
    const service = await readYaml(`${CHARGE_CARD_PATH}/service.yaml`);
    expect(service.spec.traffic).toEqual([
      { revisionName: 'charge-card-v1', latestRevision: false, percent: 100 },
    ]);
    expect(service.spec.template.metadata.name).toBe('charge-card-v2');
    expect(outputs.files).toEqual(
      expect.arrayContaining([
        'gitops/functions/payments/charge-card/function.yaml',
        'gitops/functions/payments/charge-card/service.yaml',
      ]),
    );
    for (const file of outputs.files as string[]) {
      expect(
        await readFile(join(workspace.path, 'gitops-changes', file), 'utf8'),
      ).toBe(await readFile(join(workspace.path, 'gitops-repo', file), 'utf8'));
    }
  });

  it('drops the empty fields a form leaves, so a split from the Create page parses', async () => {
    await run({
      functionPath: CHARGE_CARD_PATH,
      change: {
        action: 'split',
        revisionName: '',
        traffic: [
          { revisionName: 'charge-card-v1', percent: 90, tag: '' },
          { latestRevision: true, percent: 10, tag: 'canary' },
        ],
      },
    });
    expect(
      (await readYaml(`${CHARGE_CARD_PATH}/function.yaml`)).traffic,
    ).toEqual([
      { revisionName: 'charge-card-v1', percent: 90 },
      { latestRevision: true, percent: 10, tag: 'canary' },
    ]);
  });

  it('refuses a split that does not sum to 100, and writes nothing', async () => {
    const error = await refusalOf(workspace, () =>
      run({
        functionPath: CHARGE_CARD_PATH,
        change: {
          action: 'split',
          traffic: [
            { revisionName: 'charge-card-v1', percent: 50 },
            { latestRevision: true, percent: 40 },
          ],
        },
      }),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(
      'traffic: the traffic percentages sum to 90; they must sum to 100',
    );
  });

  it('refuses a change that leaves the split as it is', async () => {
    const error = await run({
      functionPath: CHARGE_CARD_PATH,
      change: { action: 'promote' },
    }).catch(e => e);
    expect(error.message).toBe(
      'payments/charge-card already routes latest 100 % in git; nothing to change',
    );
  });

  it('names the field of a malformed change', async () => {
    const error = await run({
      functionPath: CHARGE_CARD_PATH,
      change: { action: 'rollback' },
    }).catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(
      /^change is not a traffic change: change\.revisionName: /,
    );
  });

  it('refuses a user the permission policy does not allow atonix.function.traffic.update on the function (a member of another team), and writes nothing', async () => {
    const error = await refusalOf(workspace, () =>
      run(
        {
          functionPath: CHARGE_CARD_PATH,
          change: { action: 'rollback', revisionName: 'charge-card-v1' },
        },
        { groups: ['analytics'] },
      ),
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You may not use atonix.function.traffic.update on function payments/charge-card: it is for members of its owner group:default/payments. Ask them, or the platform team.',
    );
  });

  it('lets a platform-team member change the traffic of a function of another team, as the policy and the backend route do', async () => {
    const outputs = await run(
      {
        functionPath: CHARGE_CARD_PATH,
        change: { action: 'rollback', revisionName: 'charge-card-v1' },
      },
      { groups: ['platform'] },
    );
    expect(outputs.traffic).toEqual([
      { revisionName: 'charge-card-v1', percent: 100 },
    ]);
    expect(
      (await readYaml(`${CHARGE_CARD_PATH}/function.yaml`)).traffic,
    ).toEqual([{ revisionName: 'charge-card-v1', percent: 100 }]);
  });

  it('says what the change would be in a dry run, and writes nothing', async () => {
    const outputs = await unchangedBy(workspace, () =>
      run(
        {
          functionPath: CHARGE_CARD_PATH,
          change: {
            action: 'tag',
            revisionName: 'charge-card-v1',
            tag: 'stable',
          },
        },
        { isDryRun: true },
      ),
    );
    expect(outputs.subject).toBe(
      'payments/charge-card: traffic latest 100 %, charge-card-v1 0 % (stable)',
    );
  });

  it.each(exampleInputs(examples, 'atonix:function:traffic'))(
    'example: %s',
    async (_description, input) => {
      const outputs = await run(input);
      expect(outputs.subject).toMatch(/^payments\/charge-card: traffic /);
    },
  );
});
