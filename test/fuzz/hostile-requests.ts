import fc from 'fast-check';
import { DEFAULT_TOKEN_FORMAT, generateToken } from '../../src/domain/token-format.js';
import type { JsonSchema, RouteSpec } from './openapi-routes.js';
import { plausibleValue, toJson } from './plausible-values.js';
import { rejects } from './schema-oracle.js';

export interface HostileRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** True when the request is invalid by construction and must be answered with a 4xx. */
  mustFail: boolean;
  /** May legitimately succeed and change data; a refusal must still leave no trace. */
  mayChange: boolean;
  /** What made it hostile, for the failure message. */
  why: string[];
}

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE api_keys; --",
  '" OR ""="',
  "1; SELECT pg_sleep(5) --",
  "%' OR name LIKE '%",
  'key_aaaaaaaaaaaaaaaaaaaa\' UNION SELECT * FROM users --',
  '\\',
  "\\'",
  '__proto__',
  'constructor',
  'prototype',
  '{{7*7}}',
  '${process.exit(1)}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e999',
  '[]',
  '{}',
];

const CONTROL = ['\u0000', '\u0001abc', 'line\nbreak', 'cr\r\nlf', 'tab\tbed', '\u001b[31mred', '\u007f', '\u202eevil', '\ud800', '\uffff', 'zero\u200bwidth', '🔑🔑🔑', 'Ä'.repeat(40)];

const MALFORMED_JSON = ['{', '}', '{"a":1,}', "{'a':1}", '[1,2', 'nul', 'tru', '{"a":"\\u12"}', '{"a":1}{"b":2}', '{"a": NaN}', '{"a": Infinity}', '{"a": 01}', '"unterminated', '{"a":1} trailing', '\u0000', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}', '{"a":"\ud800"', ''];

/** Anything but UTF-8 application/json: a non-empty body of these types is 415 on every route, bodiless ones too. */
const UNREADABLE_TYPES = [
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'image/png',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'text/json',
];
/** Media types that might be read after all; requests with them are only held to "no 5xx". */
const DOUBTFUL_TYPES = ['APPLICATION/JSON', 'application/json, text/plain', 'application/json; charset="UTF-8"', 'application/json;;', 'application/json; boundary=x'];

/** Timestamps the strict ISO 8601 rule refuses: the second 60 once reached PostgreSQL as NaN and was a 500. */
const BAD_TIMESTAMPS = [
  '2026-12-31T23:59:60Z',
  '2026-06-30T23:59:60+00:00',
  '2026-01-01T00:00:60Z',
  '2026-13-01T00:00:00Z',
  '2026-00-10T00:00:00Z',
  '2027-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T12:60:00Z',
  '2026-01-01T12:00:00+24:00',
  '2026-01-01T12:00:00',
  '2026-01-01 12:00:00Z',
  '2026-01-01',
  '+002026-01-01T00:00:00Z',
  '1e400',
  'NaN',
  '2026-01-01T00:00:00\u0000Z',
];

/** Cursors that look like numbers or positions; every cursor the server did not sign must be refused. */
const NUMERIC_CURSORS = ['abc', '1e400', '0', '-1', 'NaN', 'Infinity', '9007199254740993', '1.5', '0x10', ' 1', '\u0000', 'a\u0000b'];

type Gen = fc.GeneratorValue;

const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.nat, { max: items.length - 1 })]!;
const chance = (g: Gen, p: number): boolean => g(fc.double, { min: 0, max: 1, noNaN: true }) < p;

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A hostile string: injections, control characters, random unicode, or far too long. */
function hostileString(g: Gen): string {
  switch (g(fc.nat, { max: 5 })) {
    case 0:
      return pick(g, INJECTIONS);
    case 1:
      return pick(g, CONTROL);
    case 2:
      return g(fc.string, { unit: 'binary', maxLength: 40 });
    case 3:
      return pick(g, [...INJECTIONS, ...CONTROL]).repeat(g(fc.integer, { min: 50, max: 4000 }));
    case 4:
      return 'x'.repeat(pick(g, [101, 129, 255, 257, 513, 1001, 4097, 70_000]));
    default:
      return `${pick(g, INJECTIONS)}${pick(g, CONTROL)}`;
  }
}

/** Any JSON value, weighted towards what breaks parsers and validators. */
function hostileValue(g: Gen, depth = 0): unknown {
  switch (g(fc.nat, { max: depth > 2 ? 5 : 8 })) {
    case 0:
      return hostileString(g);
    case 1:
      return pick(g, [-1, 0, 1.5, -0.0001, 2 ** 53, -(2 ** 63), 1e308, -1e308, 201, 1_000_001, 99_999_999_999]);
    case 2:
      return pick(g, [true, false, null]);
    case 3:
      return g(fc.jsonValue, { maxDepth: 2 });
    case 4:
      return pick(g, ['2026-13-45T99:99:99Z', 'yesterday', '0000-00-00', '-1', '', '30d', 'never', 'live', 'revoke', '*']);
    case 5:
      return JSON.parse(nested(g(fc.integer, { min: 1, max: 200 }), pick(g, ['array', 'object'] as const)));
    case 6:
      return Array.from({ length: g(fc.nat, { max: 4 }) }, () => hostileValue(g, depth + 1));
    case 7:
      return Object.fromEntries(Array.from({ length: g(fc.nat, { max: 3 }) }, () => [hostileString(g).slice(0, 30), hostileValue(g, depth + 1)]));
    default:
      return `${g(fc.string, { maxLength: 5 })}${pick(g, CONTROL)}`;
  }
}

/** A body in the shape of the schema's object, each field hostile, sometimes with unknown fields. */
function hostileBody(g: Gen, schema: JsonSchema | null): unknown {
  if (chance(g, 0.15)) return pick(g, [[], [1, 2], 'a string', 42, true, [{}, {}]]);
  const names = Object.keys(schema?.properties ?? {});
  const body: Record<string, unknown> = {};
  for (const name of names) if (chance(g, 0.5)) body[name] = hostileValue(g);
  if (names.length === 0 || chance(g, 0.3)) body[pick(g, ['unknownField', 'orgId', 'id', 'secret', 'role', 'isAdmin', 'prototype'])] = hostileValue(g);
  return body;
}

/** A well-formed id that names nothing, when the parameter's pattern says what one looks like. */
function unknownId(g: Gen, schema: JsonSchema): string | null {
  const match = /^\^\(?([a-z]+)(?:\|[a-z]+)*\)?_\[A-Za-z0-9\]\{(\d+)\}\$$/.exec(schema.pattern ?? '');
  if (!match) return null;
  return `${match[1]}_${g(fc.string, { unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: Number(match[2]), maxLength: Number(match[2]) })}`;
}

/** Path values that can never be read as dot segments, so URL normalization cannot land on another route. */
function pathValue(g: Gen, schema: JsonSchema): { raw: string; mustFail: boolean; why: string } {
  const unknown = chance(g, 0.4) ? unknownId(g, schema) : null;
  if (unknown) return { raw: percentEncode(unknown), mustFail: true, why: `unknown id ${unknown}` };
  if (chance(g, 0.1)) return { raw: pick(g, ['%ZZ', '%', '%E0%A4%A']), mustFail: false, why: 'broken percent-encoding in path' };
  // A NUL in a parameter with no pattern of its own (a permission name) once reached PostgreSQL: a 500.
  if (chance(g, 0.1)) return { raw: pick(g, ['%00', 'a%00', '%00b', 'tests%3Aread%00', 'x%00%00']), mustFail: true, why: 'NUL in path' };
  let value = hostileString(g);
  if (value === '' || /^\.+$/.test(value)) value = 'x.';
  return { raw: percentEncode(value), mustFail: rejects(schema, asReceived(value)), why: `path ${JSON.stringify(value.slice(0, 60))}` };
}

const QUERY_NUMBERS = ['-1', '0', '201', '1e999', 'NaN', '2.5', 'abc', '99999999999999999999', '-0', '0x10', ' 5', '1,2', 'Infinity'];

/**
 * One hostile request for a route. Requests with unsafe methods always carry at least one defect that makes
 * them invalid by construction, so none of them can legitimately change anything.
 */
export function hostileRequest(g: Gen, route: RouteSpec, ownerKey: string): HostileRequest {
  const why: string[] = [];
  let mustFail = false;
  let path = route.path;
  for (const param of route.pathParams) {
    const v = pathValue(g, param.schema);
    path = path.replace(`{${param.name}}`, v.raw);
    mustFail ||= v.mustFail;
    why.push(v.why);
  }

  const query: Array<[string, string]> = [];
  if (route.query.length > 0 && chance(g, 0.6)) {
    for (const param of route.query) {
      if (!chance(g, 0.4)) continue;
      const integer = param.schema.type === 'integer' || param.schema.type === 'number';
      let value: string;
      let refused = false;
      if (integer && chance(g, 0.7)) value = pick(g, QUERY_NUMBERS);
      else if (param.name === 'cursor' && chance(g, 0.7)) {
        // Cursors are signed, so every cursor made up here is refused.
        value = chance(g, 0.5) ? forgedCursor(g) : pick(g, NUMERIC_CURSORS);
        refused = true;
      } else if (param.schema.format === 'date-time' && chance(g, 0.6)) {
        value = pick(g, BAD_TIMESTAMPS);
        refused = true;
      } else value = hostileString(g).slice(0, 2000);
      query.push([param.name, value]);
      mustFail ||= refused || rejects(param.schema, asReceived(value));
      why.push(`query ${param.name}=${JSON.stringify(value.slice(0, 60))}`);
    }
  }
  if (chance(g, 0.1)) {
    query.push([pick(g, ['api_key', 'token', 'access_token']), chance(g, 0.5) ? generateToken(DEFAULT_TOKEN_FORMAT, 'live') : hostileString(g).slice(0, 100)]);
    mustFail = true;
    why.push('credential in query');
  } else if (chance(g, 0.1)) {
    query.push([hostileString(g).slice(0, 30) || 'x', hostileString(g).slice(0, 100)]);
    why.push('unknown query parameter');
  }

  const headers: Record<string, string> = { authorization: `Bearer ${ownerKey}` };
  let payload: string | undefined;
  const unsafe = route.method !== 'GET';
  if (unsafe) {
    const kind = g(fc.nat, { max: 9 });
    if (kind <= 1) {
      payload = pick(g, MALFORMED_JSON);
      headers['content-type'] = 'application/json';
      // An empty body is no body: refused only where a body is required, which the route's schema decides.
      mustFail ||= payload !== '';
      why.push(`malformed JSON ${JSON.stringify(payload)}`);
    } else if (kind === 2) {
      payload = JSON.stringify(hostileBody(g, route.body?.schema ?? null));
      headers['content-type'] = pick(g, UNREADABLE_TYPES);
      mustFail = true;
      why.push(`content-type ${headers['content-type']}`);
    } else if (kind === 3) {
      payload = JSON.stringify(hostileBody(g, route.body?.schema ?? null));
      if (chance(g, 0.3)) {
        why.push('a body with no content type');
        mustFail = true;
      } else {
        headers['content-type'] = pick(g, DOUBTFUL_TYPES);
        why.push(`content-type ${headers['content-type']}`);
      }
    } else if (kind === 4) {
      const size = 1_048_577 + g(fc.nat, { max: 200_000 });
      payload = chance(g, 0.5) ? JSON.stringify({ name: 'x'.repeat(size) }) : nested(Math.ceil(size / 2), 'array');
      headers['content-type'] = 'application/json';
      mustFail = true;
      why.push(`body of ${payload.length} bytes`);
    } else if (kind === 5) {
      payload = chance(g, 0.5) ? nested(g(fc.integer, { min: 1000, max: 100_000 }), 'array') : nested(g(fc.integer, { min: 1000, max: 50_000 }), 'object');
      headers['content-type'] = 'application/json';
      mustFail ||= route.body !== null && rejects(route.body.schema, JSON.parse(payload));
      why.push(`nesting ${payload.length / 2} deep`);
    } else if (kind <= 8 || route.body) {
      const body = hostileBody(g, route.body?.schema ?? null);
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
      mustFail ||= route.body !== null && rejects(route.body.schema, body);
      why.push(`body ${payload.slice(0, 200)}`);
    }
    if (!mustFail) {
      // Nothing above is certain to be refused: add a defect that is, so the request cannot change anything.
      if (chance(g, 0.5)) {
        query.push(['api_key', generateToken(DEFAULT_TOKEN_FORMAT, 'test')]);
        why.push('credential in query');
      } else {
        payload = pick(g, MALFORMED_JSON.filter(Boolean));
        headers['content-type'] = 'application/json';
        why.push(`malformed JSON ${JSON.stringify(payload)}`);
      }
      mustFail = true;
    }
  }

  const search = query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
  return { method: route.method, url: search ? `${path}?${search}` : path, headers, ...(payload !== undefined ? { payload } : {}), mustFail, mayChange: false, why };
}

/**
 * A request that passes the schema as far as can be told, with awkward values the service has to judge:
 * impossible dates, odd CIDRs, injection strings as names, nesting thousands deep where anything is allowed.
 * It may succeed; if it is refused, the refusal must be clean.
 */
export function plausibleRequest(g: Gen, route: RouteSpec, ownerKey: string): HostileRequest | null {
  if (route.method === 'GET' || !route.body) return null;
  const body = plausibleValue(g, route.body.schema);
  if (body === undefined) return null;
  let path = route.path;
  const why: string[] = ['plausible'];
  for (const param of route.pathParams) {
    const value = plausibleValue(g, param.schema);
    const text = typeof value === 'string' && value !== '' && !/^\.+$/.test(value) ? value : 'fuzz';
    path = path.replace(`{${param.name}}`, percentEncode(text));
    why.push(`path ${text}`);
  }
  const payload = toJson(body);
  why.push(`body ${payload.slice(0, 200)}`);
  return { method: route.method, url: path, headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' }, payload, mustFail: false, mayChange: true, why };
}

/** What the server decodes from a percent-encoded URL part: UTF-8 turns a lone surrogate into U+FFFD on the way. */
function asReceived(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** Percent-encodes every byte outside the unreserved set; unlike encodeURIComponent it accepts lone surrogates. */
function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function forgedCursor(g: Gen): string {
  const json = JSON.stringify({ s: pick(g, ['created', 'name', 'x']), v: hostileValue(g), i: hostileString(g).slice(0, 80), f: hostileString(g).slice(0, 80) });
  return pick(g, [Buffer.from(json).toString('base64url'), Buffer.from(json).toString('base64'), json, 'A'.repeat(513), '!!!', Buffer.from('null').toString('base64url')]);
}

/** The scope each listing bound its cursors to with no filters, when cursors were unsigned JSON. */
const UNFILTERED_SCOPES: Record<string, string> = {
  '/v1/keys': JSON.stringify(['org_key', null, null, null, null, null, false]),
  '/v1/tokens': JSON.stringify(['personal_token', null, null, null, null, null, false]),
  '/v1/projects': JSON.stringify(['projects', null]),
  '/v1/members': 'members',
  '/v1/audit': JSON.stringify(['audit', null, null, null, null, null]),
};

/** Positions that once reached SQL from an unsigned cursor with the right scope: NULs and non-numbers. */
function edgeCursor(g: Gen, path: string): string {
  const scope = UNFILTERED_SCOPES[path];
  if (scope === undefined || chance(g, 0.3)) return pick(g, NUMERIC_CURSORS);
  const sort = pick(g, ['created', 'name', 'email']);
  const value = pick(g, ['abc', '1e400', 'a\u0000b', '\u0000', 1e400, -1, 2 ** 60, '\ud800']);
  const id = pick(g, ['key_aaaaaaaaaaaaaaaaaaaa', 'evt_aaaaaaaaaaaaaaaaaaaa', 'usr_aaaaaaaaaaaaaaaaaaaa', 'x\u0000', "' OR 1=1 --"]);
  return Buffer.from(JSON.stringify({ s: sort, v: value, i: id, f: scope })).toString('base64url');
}

/**
 * A request aimed at the edges between the API and the databases, otherwise clean so it gets as far as a
 * query: a NUL in a path parameter, an unsigned cursor with the right scope and a hostile position, a timestamp
 * Date.parse cannot read. Each of these was a 500 on PostgreSQL. Null when the route has no such input.
 */
export function edgeRequest(g: Gen, route: RouteSpec, ownerKey: string): HostileRequest | null {
  const why: string[] = ['edge'];
  let path = route.path;
  let edged = false;
  for (const param of route.pathParams) {
    const nul = param.schema.pattern === undefined || chance(g, 0.3);
    const value = nul ? pick(g, ['a%00b', '%00', 'tests%3Aread%00', `${'a'.repeat(120)}%00`]) : (unknownId(g, param.schema) ?? 'x');
    path = path.replace(`{${param.name}}`, value);
    edged ||= nul;
    why.push(`path ${value.slice(0, 40)}`);
  }
  const query: string[] = [];
  for (const param of route.query) {
    if (param.name === 'cursor' && chance(g, 0.6)) {
      query.push(`cursor=${percentEncode(edgeCursor(g, route.path))}`);
      edged = true;
      why.push('edge cursor');
    } else if (param.schema.format === 'date-time' && chance(g, 0.5)) {
      const value = pick(g, BAD_TIMESTAMPS);
      query.push(`${param.name}=${percentEncode(value)}`);
      edged = true;
      why.push(`${param.name}=${value}`);
    }
  }
  if (!edged) return null;
  const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
  const headers: Record<string, string> = { authorization: `Bearer ${ownerKey}` };
  const withBody = route.method !== 'GET' && route.body !== null;
  if (withBody) headers['content-type'] = 'application/json';
  return { method: route.method, url, headers, ...(withBody ? { payload: '{}' } : {}), mustFail: true, mayChange: false, why };
}
