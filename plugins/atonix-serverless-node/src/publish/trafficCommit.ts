/**
 * How a traffic change made in the portal reads in the GitOps repository's history. The
 * `atonix:function:traffic` action writes the message (the local commit and the pull request's
 * commit alike) and the backend's traffic view finds the newest such commit by its trailer, so both
 * take it from here.
 */

/** The trailer that marks a commit as a traffic change made in the portal. */
export const TRAFFIC_CHANGE_TRAILER = 'Atonix-Change: traffic';

/** The trailer key naming who asked for the change (a user entity ref). */
export const REQUESTED_BY_TRAILER = 'Requested-By';

/** The commit message of a traffic change: the subject, what was asked, and the trailers. */
export function trafficCommitMessage(options: {
  subject: string;
  action: string;
  requestedBy: string;
}): string {
  return `${options.subject}\n\nAsked for in the portal (${options.action}).\n\n${TRAFFIC_CHANGE_TRAILER}\n${REQUESTED_BY_TRAILER}: ${options.requestedBy}\n`;
}
