import { readFileSync } from 'node:fs';

/** The board's files: next to this module in src/, and copied next to it in dist/ by `npm run build`. */
const FOLDER = new URL('./static/', import.meta.url);

/** Files anyone may fetch under /board/<name>: code and looks, no data. */
const PUBLIC_FILES = {
  'board.js': 'text/javascript; charset=utf-8',
  'board.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
} as const;

/**
 * Headers of every board response. The policy allows only the board's own files (no inline script or style, so
 * text that got into the page could not run), requests to the controller itself, and no framing.
 */
export const BOARD_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
});

export interface BoardAssets {
  /** The board itself: the same for everyone; what it shows comes over its stream. */
  readonly page: string;
  readonly publicFiles: ReadonlyMap<string, { readonly type: string; readonly body: string }>;
  /** The sign-in page with a message; `off`: no form (the controller has no token). */
  signIn(message: string, state: 'ask' | 'off', domain: string | undefined): string;
}

/** Reads the files once, when the routes are set up. */
export function loadBoardAssets(): BoardAssets {
  const read = (name: string): string => readFileSync(new URL(name, FOLDER), 'utf8');
  const template = read('sign-in.html');
  return {
    page: read('board.html'),
    publicFiles: new Map(Object.entries(PUBLIC_FILES).map(([name, type]) => [name, { type, body: read(name) }])),
    signIn: (message, state, domain) => fill(template, { message, state, domain: domain ?? '' }),
  };
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => escapeHtml(values[name] ?? ''));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
