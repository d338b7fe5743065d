/**
 * `value` without the object fields whose value `unset` picks, at any depth (array items stay):
 * how the actions read a form's unanswered questions as "not set", so the schemas' defaults and
 * optional fields apply.
 */
export function withoutUnsetFields(
  value: unknown,
  unset: (field: unknown) => boolean,
): unknown {
  if (Array.isArray(value)) {
    return value.map(item => withoutUnsetFields(item, unset));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => !unset(v))
        .map(([k, v]) => [k, withoutUnsetFields(v, unset)]),
    );
  }
  return value;
}
