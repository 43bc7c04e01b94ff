import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AppError } from '../../src/domain/app-error.js';
import { evaluatePermissionQuery, parsePermissionQuery, type PermissionQuery, queryPermissions } from '../../src/domain/permission-query.js';
import { fcParams } from '../helpers/fc-seed.js';

const perm = (name: string): PermissionQuery => ({ op: 'perm', name });
const and = (left: PermissionQuery, right: PermissionQuery): PermissionQuery => ({ op: 'and', left, right });
const or = (left: PermissionQuery, right: PermissionQuery): PermissionQuery => ({ op: 'or', left, right });

function refuses(text: string): string {
  try {
    parsePermissionQuery(text);
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'VALIDATION_FAILED');
    assert.equal(error.details?.field, 'permissions');
    return String(error.details?.reason);
  }
  assert.fail(`"${text.slice(0, 40)}" was accepted`);
}

/** Writes a tree back as text: fully parenthesized, or with only the parentheses precedence needs. */
function render(q: PermissionQuery, minimal: boolean, upper: boolean): string {
  if (q.op === 'perm') return q.name;
  const word = upper ? q.op.toUpperCase() : q.op;
  if (!minimal) return `(${render(q.left, minimal, upper)} ${word} ${render(q.right, minimal, upper)})`;
  const side = (child: PermissionQuery, right: boolean) => {
    const text = render(child, minimal, upper);
    // AND binds tighter than OR; both associate to the left, so a right-hand child of the same operator needs brackets.
    const needs = child.op !== 'perm' && ((q.op === 'and' && child.op === 'or') || (right && child.op === q.op));
    return needs ? `(${text})` : text;
  };
  return `${side(q.left, false)} ${word} ${side(q.right, true)}`;
}

function direct(q: PermissionQuery, held: ReadonlySet<string>): boolean {
  if (q.op === 'perm') return held.has(q.name);
  return q.op === 'and' ? direct(q.left, held) && direct(q.right, held) : direct(q.left, held) || direct(q.right, held);
}

const names = ['a:read', 'b:write', 'c', 'd:*', 'e.f-g_h'];
const tree = fc.letrec<{ q: PermissionQuery }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...names).map(perm),
    fc.tuple(tie('q'), tie('q')).map(([l, r]) => and(l, r)),
    fc.tuple(tie('q'), tie('q')).map(([l, r]) => or(l, r)),
  ),
})).q;

describe('permission queries', () => {
  it('parse with AND binding tighter than OR, both left-associative, operators in any case', () => {
    assert.deepEqual(parsePermissionQuery('a'), perm('a'));
    assert.deepEqual(parsePermissionQuery('a OR b AND c'), or(perm('a'), and(perm('b'), perm('c'))));
    assert.deepEqual(parsePermissionQuery('a AND b OR c'), or(and(perm('a'), perm('b')), perm('c')));
    assert.deepEqual(parsePermissionQuery('(a OR b) AND c'), and(or(perm('a'), perm('b')), perm('c')));
    assert.deepEqual(parsePermissionQuery('a and b and c'), and(and(perm('a'), perm('b')), perm('c')));
    assert.deepEqual(parsePermissionQuery('  tests:write   Or\t(x:* aNd y)  '), or(perm('tests:write'), and(perm('x:*'), perm('y'))));
    assert.deepEqual(parsePermissionQuery('((a))'), perm('a'));
    assert.deepEqual(queryPermissions(parsePermissionQuery('a AND (b OR a)')), ['a', 'b', 'a']);
  });

  it('refuse malformed text with VALIDATION_FAILED and a reason', () => {
    assert.equal(refuses(''), 'empty');
    assert.equal(refuses('   '), 'empty');
    assert.equal(refuses('a AND'), 'unexpected end');
    assert.equal(refuses('(a'), 'missing closing parenthesis');
    assert.equal(refuses('a)'), 'unexpected ")"');
    assert.equal(refuses('AND a'), 'unexpected "AND"');
    assert.equal(refuses('a OR OR b'), 'unexpected "OR"');
    assert.equal(refuses('a b'), 'unexpected "b"');
    assert.equal(refuses('()'), 'unexpected ")"');
    assert.equal(refuses('a && b'), 'unexpected "&&"');
    for (const text of ['A:read', 'a:read;', 'a|b', '"a"', 'a:réad']) assert.equal(refuses(text), 'a permission name is malformed', text);
    assert.equal(refuses(`x${'y'.repeat(128)}`), 'a permission name is malformed');
    assert.equal(refuses(`a OR ${'b '.repeat(500)}`), 'too long');
  });

  it('limit nesting to 16 levels', () => {
    assert.deepEqual(parsePermissionQuery(`${'('.repeat(16)}a${')'.repeat(16)}`), perm('a'));
    assert.equal(refuses(`${'('.repeat(17)}a${')'.repeat(17)}`), 'nested too deeply');
    assert.equal(refuses('('.repeat(900)), 'nested too deeply');
  });

  it('evaluate exactly like the expression they spell, however it is bracketed or cased', () => {
    fc.assert(
      fc.property(tree, fc.subarray(names), fc.boolean(), fc.boolean(), (q, held, minimal, upper) => {
        const heldSet = new Set(held);
        const parsed = parsePermissionQuery(render(q, minimal, upper));
        assert.deepEqual(parsed, q);
        return evaluatePermissionQuery(parsed, (n) => heldSet.has(n)) === direct(q, heldSet);
      }),
      fcParams({ numRuns: 2000 }),
    );
  });

  it('evaluate by asking only what they need, left to right', () => {
    const asked: string[] = [];
    const has = (n: string) => {
      asked.push(n);
      return n === 'b';
    };
    assert.equal(evaluatePermissionQuery(parsePermissionQuery('a AND b OR b AND c'), has), false);
    assert.deepEqual(asked, ['a', 'b', 'c']);
  });
});
