import { knativeFunction } from '@internal/atonix-test-servers';
import type { KubeObject as FixtureObject } from '@internal/atonix-test-servers';
import type { KubeObject } from '../../extensions';
import { clusterObjectsOf } from '../__testUtils__/clusterObjects';
import { deriveKnativeFunction } from './derive';

function derive(objects: FixtureObject[]) {
  const cluster = clusterObjectsOf(objects);
  return deriveKnativeFunction(cluster, cluster.list('knativeService')[0]);
}

describe('deriveKnativeFunction', () => {
  it('does not count the pending revision of a roll-out, which receives no traffic, as desired replicas', () => {
    const objects = knativeFunction({
      namespace: 'payments',
      name: 'charge',
      revisions: [1, 2],
      traffic: [{ revision: 1, percent: 100 }],
      replicas: 3,
    });
    // What Knative's autoscaler reports for a revision it is still bringing up: initial-scale
    // pods desired, none ready yet, and the Route still sends everything to the previous one.
    const pending = objects.find(
      o => o.metadata?.name === 'charge-00002',
    ) as KubeObject;
    pending.status!.desiredReplicas = 1;
    pending.status!.actualReplicas = 0;

    const fn = derive(objects);

    expect(fn.revisions.find(r => r.name === 'charge-00002')).toMatchObject({
      trafficPercent: 0,
      desiredReplicas: 1,
    });
    expect(fn.replicas).toEqual({ desired: 1, actual: 1 });
  });

  it('counts every revision that receives traffic in a split', () => {
    const objects = knativeFunction({
      namespace: 'payments',
      name: 'charge',
      revisions: [1, 2],
      traffic: [
        { revision: 1, percent: 80 },
        { revision: 2, percent: 20 },
      ],
    });
    for (const revision of objects.filter(
      o => o.kind === 'Revision',
    ) as KubeObject[]) {
      revision.status!.desiredReplicas = 2;
      revision.status!.actualReplicas = 2;
    }

    expect(derive(objects).replicas).toEqual({ desired: 4, actual: 4 });
  });

  it('counts the first revision before the Route has assigned any traffic', () => {
    const objects = knativeFunction({
      namespace: 'payments',
      name: 'charge',
      traffic: [],
    });
    const [revision] = objects.filter(
      o => o.kind === 'Revision',
    ) as KubeObject[];
    revision.status!.desiredReplicas = 1;

    expect(derive(objects).replicas.desired).toBe(1);
  });
});
