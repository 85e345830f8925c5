/**
 * A URL as it may be shown in a message or a log: a password in it (`redis://user:secret@host`) replaced by `***`,
 * everything else kept. Works on any string, also one that is not a valid URL: everything before the last "@" that
 * follows the scheme is the user part; only the name before its first ":" is kept (no ":" at all: it may be a bare
 * password, so it is hidden too).
 */
export function redactUrlPassword(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? '';
  if (at < scheme.length) return url;
  const userInfo = url.slice(scheme.length, at);
  const colon = userInfo.indexOf(':');
  const shown = colon < 0 ? '***' : `${userInfo.slice(0, colon)}:***`;
  return `${scheme}${shown}${url.slice(at)}`;
}
