/**
 * Kubernetes label selectors as the API server parses them from `?labelSelector=`: equality
 * (`a=b`, `a==b`, `a!=b`), set-based (`a in (x,y)`, `a notin (x)`) and existence (`a`, `!a`).
 */
export type LabelRequirement = (labels: Record<string, string>) => boolean;

/** Parses a selector; throws with the offending term when it is malformed (the server answers 400). */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const terms = splitTerms(selector.trim());
  return terms.map(term => parseTerm(term.trim()));
}

export function matchesLabelSelector(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return requirements.every(requirement => requirement(labels ?? {}));
}

// Commas separate terms except inside the parentheses of a set-based term.
function splitTerms(selector: string): string[] {
  if (!selector) {
    return [];
  }
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of selector) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  terms.push(current);
  return terms;
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);

function parseTerm(term: string): LabelRequirement {
  let match = EQUALITY.exec(term);
  if (match) {
    const [, key, , operator, value] = match;
    return operator === '!='
      ? labels => labels[key] !== value
      : labels => labels[key] === value;
  }
  match = SET.exec(term);
  if (match) {
    const [, key, , operator, list] = match;
    const values = new Set(list.split(',').map(v => v.trim()));
    return operator === 'in'
      ? labels => key in labels && values.has(labels[key])
      : labels => !(key in labels) || !values.has(labels[key]);
  }
  match = EXISTS.exec(term);
  if (match) {
    const [, not, key] = match;
    return not ? labels => !(key in labels) : labels => key in labels;
  }
  throw new Error(`unable to parse requirement: "${term}"`);
}
