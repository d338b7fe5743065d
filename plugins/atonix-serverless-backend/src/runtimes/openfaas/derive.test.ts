import { openfaasFunction } from '@internal/atonix-test-servers';
import type { KubeObject as FixtureObject } from '@internal/atonix-test-servers';
import type { KubeObject } from '../../extensions';
import { clusterObjectsOf } from '../__testUtils__/clusterObjects';
import { deriveOpenFaaSFunction } from './derive';

function derive(objects: FixtureObject[]) {
  const cluster = clusterObjectsOf(objects);
  return deriveOpenFaaSFunction(
    cluster,
    cluster.list('openfaasFunction')[0],
    'https://gateway.example.com',
  );
}

describe('deriveOpenFaaSFunction', () => {
  it("keeps the Function's Ready reason and message when it is ready", () => {
    const objects = openfaasFunction({ name: 'thumbnail', team: 'search' });
    const fn = objects.find(o => o.kind === 'Function') as KubeObject;
    const ready = fn.status!.conditions.find((c: any) => c.type === 'Ready');
    ready.message = 'Deployment openfaas-fn/thumbnail is available';

    expect(derive(objects)).toMatchObject({
      ready: 'True',
      reason: 'Reconciled',
      message: 'Deployment openfaas-fn/thumbnail is available',
    });
  });

  it("reports the Function's own reason when it is not ready", () => {
    const objects = openfaasFunction({
      name: 'thumbnail',
      team: 'search',
      ready: false,
    });

    expect(derive(objects)).toMatchObject({
      ready: 'False',
      reason: 'DeploymentUnavailable',
    });
  });

  it('says why when the Deployment is missing', () => {
    const objects = openfaasFunction({ name: 'thumbnail', team: 'search' });

    expect(derive(objects.filter(o => o.kind === 'Function'))).toMatchObject({
      ready: 'Unknown',
      reason: 'DeploymentMissing',
    });
  });
});
