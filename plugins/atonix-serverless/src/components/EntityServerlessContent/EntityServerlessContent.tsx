import { useState } from 'react';
import { EmptyState, Progress } from '@backstage/core-components';
import { Box, Tab, Tabs } from '@material-ui/core';
import { DemoBanner } from '../common/DemoBanner';
import { ErrorState } from '../common/ErrorState';
import { FunctionView } from './FunctionView';
import { useEntityFunctions } from './useEntityFunctions';

/** The "Serverless" tab of a function's entity page. */
export function EntityServerlessContent() {
  const { value, error } = useEntityFunctions();
  const [cluster, setCluster] = useState<string>();

  // Keep showing the last answer while a refresh fails, unless there never was one.
  if (error && !value) {
    return <ErrorState error={error} what="this function's status" />;
  }
  if (!value) {
    return <Progress />;
  }
  if (value.items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="Not running in any cluster"
        description={`No cluster reports a function for ${value.entityRef}. If it was just created, Flux applies it within a few minutes of the merge; otherwise check the entity's backstage.io/kubernetes-id and atonix.io/team annotations.`}
      />
    );
  }

  const fn =
    value.items.find(item => item.cluster === cluster) ?? value.items[0];
  return (
    <>
      <DemoBanner />
      {value.items.length > 1 && (
        <Box mb={2}>
          <Tabs
            value={fn.cluster}
            onChange={(_, selected) => setCluster(selected)}
            indicatorColor="primary"
          >
            {value.items.map(item => (
              <Tab
                key={item.cluster}
                value={item.cluster}
                label={item.cluster}
              />
            ))}
          </Tabs>
        </Box>
      )}
      <FunctionView fn={fn} />
    </>
  );
}
