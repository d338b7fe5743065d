import { ReactNode } from 'react';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';

/**
 * The small table of a Serverless tab card: named for screen readers and browser tests by `label`,
 * a header row of `columns`, then the rows the card renders.
 */
export function CardTable(props: {
  label: string;
  columns: string[];
  children: ReactNode;
}) {
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.columns.map(column => (
            <TableCell key={column}>{column}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>{props.children}</TableBody>
    </Table>
  );
}
