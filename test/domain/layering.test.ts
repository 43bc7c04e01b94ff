import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const src = new URL('../../src/', import.meta.url).pathname;

function sources(folder: string): string[] {
  return readdirSync(join(src, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(folder, name));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** The identifiers a repository file imports from the row schema (storage/schema.ts). */
function schemaNamesIn(file: string, source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!/(^|\/)schema(\.js)?$/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
    else assert.fail(`${file} imports the schema other than by name`);
  }
  return names;
}

/**
 * Every type a repository shows the layers above it: its public methods' parameters and results, and the types it
 * exports. Read from the syntax alone, so the check is quick and needs no compiled program.
 */
function surfaceOf(source: ts.SourceFile): { what: string; node: ts.Node }[] {
  const surface: { what: string; node: ts.Node }[] = [];
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const statement of source.statements) {
    if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) && exported(statement)) surface.push({ what: statement.name.text, node: statement });
    if (ts.isFunctionDeclaration(statement) && exported(statement)) surface.push({ what: statement.name?.text ?? 'default', node: statement });
    if (!ts.isClassDeclaration(statement) || !exported(statement)) continue;
    for (const member of statement.members) {
      const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
      if (modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) continue;
      if (ts.isConstructorDeclaration(member)) continue;
      if (ts.isMethodDeclaration(member) || ts.isPropertyDeclaration(member)) {
        const name = member.name.getText(source);
        if (name.startsWith('#')) continue;
        const parts: ts.Node[] = ts.isMethodDeclaration(member) ? [...member.parameters, ...(member.type ? [member.type] : [])] : member.type ? [member.type] : [];
        if (ts.isMethodDeclaration(member) && !member.type) assert.fail(`${statement.name?.text}.${name} has no declared result type, so its surface cannot be checked`);
        for (const part of parts) surface.push({ what: `${statement.name?.text}.${name}`, node: part });
      }
    }
  }
  return surface;
}

function referencedNames(node: ts.Node): string[] {
  const names: string[] = [];
  const visit = (child: ts.Node): void => {
    if (ts.isIdentifier(child)) names.push(child.text);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

describe('layering: services and domain rules see domain types, never rows or SQL', () => {
  // No exceptions: every repository maps its rows at the storage edge (docs/design.md, "One persistence pattern").
  it('no file in src/services or src/domain imports src/storage/schema or kysely', () => {
    const offenders = [...sources('services'), ...sources('domain')].flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec === 'kysely' || spec.startsWith('kysely/') || /(^|\/)storage\/schema(\.js)?$/.test(spec))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('no file outside src/storage imports the row schema', () => {
    const outside = readdirSync(src, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'storage')
      .flatMap((entry) => sources(entry.name));
    const offenders = outside.flatMap((file) => importsOf(file).filter((spec) => /(^|\/)storage\/schema(\.js)?$/.test(spec)).map((spec) => `${file} imports ${spec}`));
    assert.deepEqual(offenders, []);
  });

  it('every repository takes and returns domain types: no public method or exported type names a row type', () => {
    const files = sources('storage/repositories');
    assert.ok(files.length >= 10, 'the repositories were found');
    const offenders = files.flatMap((file) => {
      const source = ts.createSourceFile(file, readFileSync(join(src, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const rowTypes = schemaNamesIn(file, source);
      rowTypes.delete('Database');
      return surfaceOf(source).flatMap(({ what, node }) =>
        referencedNames(node)
          .filter((name) => rowTypes.has(name) || /(Row|Table)$/.test(name))
          .map((name) => `${file}: ${what} shows ${name}`),
      );
    });
    assert.deepEqual([...new Set(offenders)], []);
  });

  it('no file in src/services or src/domain reaches a standing set of repositories (storage.repos)', () => {
    const offenders = [...sources('services'), ...sources('domain')].filter((file) => /\bstorage\.repos\b/.test(readFileSync(join(src, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('nothing in src/domain imports from services, storage, server or a driver', () => {
    const offenders = sources('domain').flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('./') || spec.includes('/services/') || spec.includes('/storage/') || spec.includes('/server/'))
        .filter((spec) => !spec.startsWith('node:'))
        .map((spec) => `${file} imports ${spec}`),
    );
    assert.deepEqual(offenders, []);
  });
});
