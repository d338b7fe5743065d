/**
 * CloudEvents 1.0 over HTTP (the HTTP protocol binding), both content modes:
 * binary (attributes in `ce-*` headers, data in the body: what Knative Brokers deliver by default)
 * and structured (`application/cloudevents+json`: the whole event in the body).
 */

const REQUIRED = ['id', 'source', 'type'];

/** An event the function cannot accept; `status` is the HTTP answer (400 or 415). */
export class InvalidEventError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function isJson(contentType) {
  return /^application\/(.+\+)?json(;|$)/i.test(contentType ?? '');
}

function decodeData(contentType, body) {
  if (body.length === 0) return undefined;
  if (isJson(contentType)) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidEventError(400, 'event data is not valid JSON');
    }
  }
  if (/^text\//i.test(contentType ?? '')) return body.toString('utf8');
  return body;
}

function checkRequired(event, mode) {
  if (event.specversion !== '1.0') {
    throw new InvalidEventError(
      400,
      `${mode} event has specversion ${JSON.stringify(
        event.specversion,
      )}; only CloudEvents 1.0 is supported`,
    );
  }
  const missing = REQUIRED.filter(
    name => typeof event[name] !== 'string' || event[name] === '',
  );
  if (missing.length > 0) {
    throw new InvalidEventError(
      400,
      `${mode} event lacks the required attribute(s) ${missing.join(', ')}`,
    );
  }
  return event;
}

/**
 * Reads a CloudEvent from an HTTP request's headers (lower-case names, as Node gives them) and
 * raw body. Extension attributes are kept as top-level properties, as the spec names them.
 */
export function parseCloudEvent(headers, body) {
  const contentType = headers['content-type'];
  if (/^application\/cloudevents-batch\+json/i.test(contentType ?? '')) {
    throw new InvalidEventError(415, 'batched CloudEvents are not supported');
  }
  if (/^application\/cloudevents\+json/i.test(contentType ?? '')) {
    let event;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidEventError(400, 'structured event is not valid JSON');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      throw new InvalidEventError(400, 'structured event is not a JSON object');
    }
    const { data_base64: dataBase64, ...rest } = event;
    if (dataBase64 !== undefined) {
      rest.data = Buffer.from(dataBase64, 'base64');
    }
    return checkRequired(rest, 'structured');
  }
  if (headers['ce-specversion'] === undefined) {
    throw new InvalidEventError(
      400,
      'not a CloudEvent: send ce-* headers (binary mode) or content-type application/cloudevents+json (structured mode)',
    );
  }
  const event = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-')) continue;
    try {
      event[name.slice(3)] = decodeURIComponent(String(value));
    } catch {
      event[name.slice(3)] = String(value);
    }
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  event.data = decodeData(contentType, body);
  return checkRequired(event, 'binary');
}

/** The binding percent-encodes space, `"`, `%` and everything outside printable ASCII. */
function encodeHeaderValue(value) {
  return Array.from(Buffer.from(value, 'utf8'), byte =>
    byte < 0x21 || byte > 0x7e || byte === 0x22 || byte === 0x25
      ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
      : String.fromCharCode(byte),
  ).join('');
}

/** HTTP headers and body that carry `event` in binary mode (used for reply events). */
export function toBinaryHttp(event) {
  const headers = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'data' || name === 'datacontenttype' || value === undefined) {
      continue;
    }
    headers[`ce-${name}`] = encodeHeaderValue(String(value));
  }
  if (event.data === undefined) return { headers, body: '' };
  if (Buffer.isBuffer(event.data)) {
    headers['content-type'] =
      event.datacontenttype ?? 'application/octet-stream';
    return { headers, body: event.data };
  }
  headers['content-type'] = event.datacontenttype ?? 'application/json';
  return { headers, body: JSON.stringify(event.data) };
}
