import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOMAIN_DIR = join(import.meta.dirname, '../../src/domain');
const ALLOWED_IMPORT = /^\.\/[A-Za-z0-9_-]+\.ts$/;

// Static `import … from`, `export … from`, side-effect `import '…'`, dynamic `import('…')` and `require('…')`.
const IMPORT_SPECIFIERS = [
  /\bfrom\s*['"]([^'"]*)['"]/g,
  /\bimport\s*['"]([^'"]*)['"]/g,
  /\bimport\s*\(\s*['"`]?([^'"`)]*)/g,
  /\brequire\s*\(\s*['"`]?([^'"`)]*)/g,
];

const domainFiles = readdirSync(DOMAIN_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => !file.endsWith('/') && /\.[cm]?[jt]sx?$/.test(file))
  .map((file) => join(DOMAIN_DIR, file));

function importsOf(source: string): string[] {
  return IMPORT_SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
}

describe('src/domain is pure', () => {
  it('has source files to check', () => {
    expect(domainFiles.length).toBeGreaterThan(0);
  });

  it.each(domainFiles.map((file) => [relative(DOMAIN_DIR, file), file]))(
    '%s imports only sibling domain modules',
    (_name, file) => {
      const outside = importsOf(readFileSync(file, 'utf8')).filter((specifier) => !ALLOWED_IMPORT.test(specifier));
      expect(outside).toEqual([]);
    },
  );

  it('detects every import form', () => {
    const source = [
      "import { x } from 'node:net';",
      "import type { Y } from '../store/keys.ts';",
      "export * from 'ioredis';",
      "import 'pino';",
      "const m = await import('node:fs');",
      "const r = require('modesl');",
      "import { ok } from './groups.ts';",
    ].join('\n');
    expect(importsOf(source).filter((s) => !ALLOWED_IMPORT.test(s))).toEqual(
      expect.arrayContaining(['node:net', '../store/keys.ts', 'ioredis', 'pino', 'node:fs', 'modesl']),
    );
    expect(importsOf(source).filter((s) => ALLOWED_IMPORT.test(s))).toEqual(['./groups.ts']);
  });
});
