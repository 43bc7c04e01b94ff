import { AppError } from './app-error.js';

/**
 * Permission queries let a verifying API ask for a combination in one call:
 * `projects:read AND (tests:write OR admin)`. AND binds tighter than OR; parentheses group.
 */
export type PermissionQuery =
  | { op: 'perm'; name: string }
  | { op: 'and' | 'or'; left: PermissionQuery; right: PermissionQuery };

const MAX_QUERY_LENGTH = 1000;
const MAX_DEPTH = 16;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/y;
  let end = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    tokens.push(match[1]!);
    end = re.lastIndex;
  }
  if (text.slice(end).trim() !== '') throw invalid('unexpected characters');
  return tokens;
}

function invalid(reason: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    message: `The permission query is not valid: ${reason}.`,
    details: { field: 'permissions', reason },
  });
}

export function parsePermissionQuery(text: string): PermissionQuery {
  if (text.length > MAX_QUERY_LENGTH) throw invalid('too long');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];

  const parseOr = (depth: number): PermissionQuery => {
    let left = parseAnd(depth);
    while (peek()?.toUpperCase() === 'OR') {
      pos++;
      left = { op: 'or', left, right: parseAnd(depth) };
    }
    return left;
  };
  const parseAnd = (depth: number): PermissionQuery => {
    let left = parseAtom(depth);
    while (peek()?.toUpperCase() === 'AND') {
      pos++;
      left = { op: 'and', left, right: parseAtom(depth) };
    }
    return left;
  };
  const parseAtom = (depth: number): PermissionQuery => {
    if (depth > MAX_DEPTH) throw invalid('nested too deeply');
    const token = tokens[pos++];
    if (token === undefined) throw invalid('unexpected end');
    if (token === '(') {
      const inner = parseOr(depth + 1);
      if (tokens[pos++] !== ')') throw invalid('missing closing parenthesis');
      return inner;
    }
    if (token === ')' || token.toUpperCase() === 'AND' || token.toUpperCase() === 'OR') throw invalid(`unexpected "${token}"`);
    if (!/^[a-z0-9*][a-z0-9_.:*-]*$/.test(token) || token.length > 128) throw invalid('a permission name is malformed');
    return { op: 'perm', name: token };
  };

  if (tokens.length === 0) throw invalid('empty');
  const query = parseOr(0);
  if (pos !== tokens.length) throw invalid(`unexpected "${tokens[pos]}"`);
  return query;
}

export function evaluatePermissionQuery(query: PermissionQuery, has: (name: string) => boolean): boolean {
  switch (query.op) {
    case 'perm':
      return has(query.name);
    case 'and':
      return evaluatePermissionQuery(query.left, has) && evaluatePermissionQuery(query.right, has);
    case 'or':
      return evaluatePermissionQuery(query.left, has) || evaluatePermissionQuery(query.right, has);
  }
}

/** The names a query mentions, for reporting which ones a key lacks. */
export function queryPermissions(query: PermissionQuery): string[] {
  return query.op === 'perm' ? [query.name] : [...queryPermissions(query.left), ...queryPermissions(query.right)];
}
