/** A field path as a person writes it: `spec.containers[0]["app.kubernetes.io/name"]`. */
export function dotted(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_][\w-]*$/.test(segment)) {
      text += `${text ? '.' : ''}${segment}`;
    } else {
      text += `["${segment}"]`;
    }
  }
  return text;
}

/** The segments of a JSON pointer (`/spec/containers/0`). */
export function pointerPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
