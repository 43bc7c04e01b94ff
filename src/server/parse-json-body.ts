import { AppError } from '../domain/app-error.js';

// The key spelled directly or with \u escapes, as secure-json-parse (Fastify's parser) looks for it.
const SUSPECT_PROTO = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const SUSPECT_CONSTRUCTOR =
  /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

function poisoned(root: object): boolean {
  const pending: object[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (has(node, '__proto__')) return true;
    const ctor = (node as Record<string, unknown>).constructor;
    if (has(node, 'constructor') && ctor !== null && typeof ctor === 'object' && has(ctor, 'prototype')) return true;
    for (const value of Object.values(node)) if (value !== null && typeof value === 'object') pending.push(value);
  }
  return false;
}

/** True for `application/json`, with no charset or UTF-8: the one body type Latchkey reads. */
export function isJsonMediaType(header: string | undefined): boolean {
  if (header === undefined) return false;
  // The form nearly every client sends, decided without splitting the header.
  if (header === 'application/json') return true;
  const [type, ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-8"?$/.test(param));
}

/**
 * The one JSON body parser, used by the Fastify routes and by the verification fast path alike, so both answer
 * the same: an empty body is no body (undefined), text that is not JSON is MALFORMED_JSON, and so is JSON with
 * a `__proto__` key or a `constructor.prototype` (what Fastify's secure-json-parse refuses with protoAction
 * and constructorAction 'error'), which would otherwise reach code that copies objects.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
  if (value !== null && typeof value === 'object' && (SUSPECT_PROTO.test(source) || SUSPECT_CONSTRUCTOR.test(source)) && poisoned(value)) {
    throw new AppError('MALFORMED_JSON', { message: 'The request body must not contain a "__proto__" key or a "constructor.prototype".' });
  }
  return value;
}

/** What a route that needs a body answers to an empty one. */
export function emptyBodyError(): AppError {
  return new AppError('MALFORMED_JSON', { message: 'The request body is empty; this route needs a JSON object.' });
}
