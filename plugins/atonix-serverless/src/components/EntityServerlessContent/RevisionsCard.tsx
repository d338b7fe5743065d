import { InfoCard } from '@backstage/core-components';
import { Chip, TableCell, TableRow } from '@material-ui/core';
import { FunctionDetails } from '@internal/backstage-plugin-atonix-serverless-common';
import { CardTable } from '../common/CardTable';
import { HealthStatus } from '../common/StatusBadges';

/** Revisions with their share of traffic and the tags that give a revision its own URL. */
export function RevisionsCard(props: { fn: FunctionDetails }) {
  const { fn } = props;
  const tagsOf = (revision: string) =>
    fn.traffic.filter(target => target.revisionName === revision && target.tag);
  return (
    <InfoCard title="Revisions and traffic">
      <CardTable
        label="Revisions"
        columns={['Revision', 'Traffic', 'Tags', 'Ready', 'Replicas', 'Image']}
      >
        {fn.revisions.map(revision => (
          <TableRow key={revision.name}>
            <TableCell>
              {revision.name}
              {revision.name === fn.latestReadyRevision && ' (latest ready)'}
            </TableCell>
            <TableCell>{revision.trafficPercent}%</TableCell>
            <TableCell>
              {tagsOf(revision.name).map(target => (
                <Chip
                  key={target.tag}
                  size="small"
                  label={target.tag}
                  title={target.url}
                />
              ))}
            </TableCell>
            <TableCell>
              <HealthStatus fn={revision} showReason />
            </TableCell>
            <TableCell>
              {revision.actualReplicas}
              {revision.desiredReplicas !== undefined &&
                `/${revision.desiredReplicas}`}
            </TableCell>
            <TableCell>{revision.image}</TableCell>
          </TableRow>
        ))}
      </CardTable>
    </InfoCard>
  );
}
