/**
 * A clone anywhere must build, test, bench and run: nothing the project ships may read a path outside
 * the repository (the development machines keep reference material beside it, which no user, packager
 * or fork has).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CHECKED = ['src', 'test', 'bench', 'demo', 'scripts', '.ci', 'bin', 'package.json'];
// Binary or generated content that holds no paths of ours.
const SKIPPED = /(^|\/)(node_modules|dist)(\/|$)|\.gz$/;

/** A relative path written in source, quoted or not: `../x`, `../../y/z`. */
const RELATIVE_PATH = /(?<![\w.])((?:\.\.\/)+[\w.@/-]*)/g;
/** Absolute paths into a development workspace, or the shared reference folder by name. */
const WORKSPACE_PATH = /(?<![\w.])(\/work\/[\w./-]*|(?:\.\.\/)*shared\/freeswitch-captures[\w./-]*)/g;

/** Every place in `text` (a file at `file`, relative paths resolved from `base`) that leaves `root`. */
export function pathsOutside(text: string, base: string, root: string): string[] {
  const escapes = [...text.matchAll(RELATIVE_PATH)]
    .map((match) => match[1]!)
    .filter((path) => {
      const target = resolve(base, path);
      return target !== root && !target.startsWith(root + sep);
    });
  const workspace = [...text.matchAll(WORKSPACE_PATH)].map((match) => match[1]!);
  return [...new Set([...escapes, ...workspace])];
}

function checkedFiles(): string[] {
  return CHECKED.flatMap((entry) => {
    const path = join(ROOT, entry);
    if (!existsSync(path)) return [];
    if (entry.includes('.') && !entry.startsWith('.')) return [path];
    return readdirSync(path, { recursive: true, withFileTypes: true })
      .filter((dirent) => dirent.isFile())
      .map((dirent) => join(dirent.parentPath, dirent.name));
    // This file is left out: its own examples below are the forms it forbids.
  }).filter((file) => !SKIPPED.test(relative(ROOT, file)) && file !== import.meta.filename);
}

describe('the repository is self-contained', () => {
  const files = checkedFiles();

  it('has the source, tests, benchmarks, demo, scripts and CI to check', () => {
    for (const entry of ['src/', 'test/', 'bench/', 'demo/', 'scripts/', '.ci/', 'package.json']) {
      expect(files.some((file) => relative(ROOT, file).startsWith(entry) || relative(ROOT, file) === entry)).toBe(true);
    }
  });

  it.each(files.map((file) => [relative(ROOT, file), file]))('%s refers to no path outside the repository', (name, file) => {
    // package.json scripts run from the root; everything else is resolved from its own folder.
    const base = name === 'package.json' ? ROOT : dirname(file);
    expect(pathsOutside(readFileSync(file, 'utf8'), base, ROOT)).toEqual([]);
  });

  it('catches the forms that would break a clone elsewhere', () => {
    const base = join(ROOT, 'test/helpers');
    expect(pathsOutside("new URL('../../../reference/freeswitch-captures/', import.meta.url)", base, ROOT)).toEqual([
      '../../../reference/freeswitch-captures/',
    ]);
    expect(pathsOutside('see shared/freeswitch-captures/README.md', base, ROOT)).toEqual(['shared/freeswitch-captures/README.md']);
    expect(pathsOutside('cd ../../.. && ls', base, ROOT)).toEqual(['../../..']);
    expect(pathsOutside('const dir = "/work/reference/notes";', base, ROOT)).toEqual(['/work/reference/notes']);
    expect(pathsOutside("import { x } from '../../src/domain/groups.ts';", base, ROOT)).toEqual([]);
    expect(pathsOutside("new URL('../fixtures/freeswitch-captures/', import.meta.url)", base, ROOT)).toEqual([]);
  });
});
