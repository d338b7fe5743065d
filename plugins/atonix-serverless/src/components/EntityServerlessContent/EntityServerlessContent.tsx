import { useState } from 'react';
import { EmptyState } from '@backstage/core-components';
import { Box, Tab, Tabs } from '@material-ui/core';
import { DemoBanner } from '../common/DemoBanner';
import { Loaded } from '../common/Loaded';
import { FunctionView } from './FunctionView';
import { useEntityFunctions } from './useEntityFunctions';

/** The "Serverless" tab of a function's entity page. */
export function EntityServerlessContent() {
  const { value, error } = useEntityFunctions();
  const [cluster, setCluster] = useState<string>();

  return (
    <Loaded value={value} error={error} what="this function's status">
      {loaded => {
        if (loaded.items.length === 0) {
          return (
            <EmptyState
              missing="data"
              title="Not running in any cluster"
              description={`No cluster reports a function for ${loaded.entityRef}. If it was just created, Flux applies it within a few minutes of the merge; otherwise check the entity's backstage.io/kubernetes-id and atonix.io/team annotations.`}
            />
          );
        }

        const fn =
          loaded.items.find(item => item.cluster === cluster) ??
          loaded.items[0];
        return (
          <>
            <DemoBanner />
            {loaded.items.length > 1 && (
              <Box mb={2}>
                <Tabs
                  value={fn.cluster}
                  onChange={(_, selected) => setCluster(selected)}
                  indicatorColor="primary"
                >
                  {loaded.items.map(item => (
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
      }}
    </Loaded>
  );
}
