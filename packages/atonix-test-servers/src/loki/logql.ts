/**
 * The subset of LogQL the test Loki server evaluates: a stream selector with `=`, `!=`, `=~`, `!~`
 * matchers, followed by line filters `|=`, `!=`, `|~`, `!~`. Strings are Go-quoted (`"..."` with
 * backslash escapes) or raw (`` `...` ``), as in Loki. Regular expressions are anchored on label
 * matchers and unanchored on line filters, as in Loki.
 */
// Longest first where one operator starts another (`=~` before `=`), as the scanner takes the first
// that matches.
const MATCHER_OPS = ['=~', '!~', '!=', '='] as const;
const FILTER_OPS = ['|=', '!=', '|~', '!~'] as const;

export interface LogQuery {
  matchers: Array<{
    label: string;
    op: (typeof MATCHER_OPS)[number];
    value: string;
  }>;
  filters: Array<{ op: (typeof FILTER_OPS)[number]; value: string }>;
}

export class LogQLParseError extends Error {}

class Scanner {
  #pos = 0;
  constructor(private readonly text: string) {}

  atEnd() {
    return this.#pos >= this.text.length;
  }

  skipSpace() {
    while (/\s/.test(this.text[this.#pos] ?? '')) this.#pos++;
  }

  take(token: string) {
    if (this.text.startsWith(token, this.#pos)) {
      this.#pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string) {
    if (!this.take(token)) {
      this.fail(`expected ${token}`);
    }
  }

  oneOf<T extends string>(tokens: readonly T[]): T {
    const token = tokens.find(t => this.take(t));
    if (!token) {
      this.fail(`expected one of ${tokens.join(' ')}`);
    }
    return token!;
  }

  identifier() {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.#pos));
    if (!match) {
      this.fail('expected a label name');
    }
    this.#pos += match![0].length;
    return match![0];
  }

  string(): string {
    const quote = this.text[this.#pos];
    if (quote === '`') {
      const end = this.text.indexOf('`', this.#pos + 1);
      if (end < 0) this.fail('unterminated raw string');
      const value = this.text.slice(this.#pos + 1, end);
      this.#pos = end + 1;
      return value;
    }
    if (quote !== '"') {
      this.fail('expected a quoted string');
    }
    let value = '';
    this.#pos++;
    for (;;) {
      const char = this.text[this.#pos++];
      if (char === undefined) this.fail('unterminated string');
      if (char === '"') return value;
      if (char !== '\\') {
        value += char;
        continue;
      }
      const escaped = this.text[this.#pos++];
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (escaped in simple) {
        value += simple[escaped];
      } else {
        this.fail(`invalid escape \\${escaped}`);
      }
    }
  }

  fail(message: string): never {
    throw new LogQLParseError(
      `parse error at line 1, col ${this.#pos + 1}: syntax error: ${message}`,
    );
  }
}

export function parseLogQuery(query: string): LogQuery {
  const scanner = new Scanner(query);
  scanner.skipSpace();
  scanner.expect('{');
  const matchers: LogQuery['matchers'] = [];
  scanner.skipSpace();
  while (!scanner.take('}')) {
    if (matchers.length > 0) {
      scanner.expect(',');
      scanner.skipSpace();
    }
    const label = scanner.identifier();
    scanner.skipSpace();
    const op = scanner.oneOf(MATCHER_OPS);
    scanner.skipSpace();
    const value = scanner.string();
    matchers.push({ label, op, value });
    scanner.skipSpace();
  }
  const nonEmpty = matchers.some(
    m =>
      (m.op === '=' && m.value !== '') ||
      (m.op === '=~' && !matchesRegex('=~', m.value, '')),
  );
  if (!nonEmpty) {
    throw new LogQLParseError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value',
    );
  }
  const filters: LogQuery['filters'] = [];
  scanner.skipSpace();
  while (!scanner.atEnd()) {
    const op = scanner.oneOf(FILTER_OPS);
    scanner.skipSpace();
    filters.push({ op, value: scanner.string() });
    scanner.skipSpace();
  }
  for (const filter of filters) {
    if (filter.op === '|~' || filter.op === '!~') {
      compile(filter.value);
    }
  }
  return { matchers, filters };
}

export function matchesStream(
  query: LogQuery,
  labels: Record<string, string>,
): boolean {
  return query.matchers.every(({ label, op, value }) => {
    const actual = labels[label] ?? '';
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      default:
        return matchesRegex(op, value, actual);
    }
  });
}

export function matchesLine(query: LogQuery, line: string): boolean {
  return query.filters.every(({ op, value }) => {
    switch (op) {
      case '|=':
        return line.includes(value);
      case '!=':
        return !line.includes(value);
      case '|~':
        return compile(value).test(line);
      default:
        return !compile(value).test(line);
    }
  });
}

function matchesRegex(op: string, pattern: string, value: string) {
  const matched = compile(`^(?:${pattern})$`).test(value);
  return op === '=~' ? matched : !matched;
}

function compile(pattern: string) {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new LogQLParseError(
      `parse error : invalid regex ${JSON.stringify(pattern)}: ${
        (error as Error).message
      }`,
    );
  }
}
