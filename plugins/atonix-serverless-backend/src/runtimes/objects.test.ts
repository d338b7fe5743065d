import { ANNOTATION_COLD_START_OBJECTIVE } from '@internal/backstage-plugin-atonix-serverless-common';
import type { ClusterObjects } from '../extensions';
import type { FluxResources } from '../inventory/resources';
import { cached } from './__testUtils__/clusterObjects';
import { FunctionObject, commonStatus } from './objects';

const nothingElse: ClusterObjects<FluxResources> = {
  get: () => undefined,
  list: () => [],
};

const service = (annotations?: Record<string, string>) =>
  cached({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { namespace: 'payments', name: 'refund', annotations },
  }) as FunctionObject;

describe('commonStatus', () => {
  it("reads the spec's own cold-start objective the renderer annotated", () => {
    expect(
      commonStatus(
        nothingElse,
        service({ [ANNOTATION_COLD_START_OBJECTIVE]: '8000' }),
      ).coldStartObjectiveMs,
    ).toBe(8000);
  });

  it('leaves the objective to the default without a usable annotation', () => {
    for (const value of [undefined, '', 'fast', '0', '-5', '1.5']) {
      const status = commonStatus(
        nothingElse,
        service(
          value === undefined
            ? undefined
            : { [ANNOTATION_COLD_START_OBJECTIVE]: value },
        ),
      );
      expect(status).not.toHaveProperty('coldStartObjectiveMs');
    }
  });
});
