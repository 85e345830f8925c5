/**
 * The user directory the `user/` endpoint reads: each user's dial-string and `dial-var-*` params.
 * Users nobody configured get a ring-forever phone at their own 127.0.0.1 port, as in capture run 4.
 */

/** A directory user (`<user id=…>` in a domain). */
export interface DirectoryUser {
  readonly user: string;
  readonly domain: string;
  /** `dial-string` param; `${dialed_domain}`/`${dialed_user}` are filled in. Default: a sofia contact. */
  readonly dialString?: string;
  /** `dial-var-<name>` params: variables set on the B leg. */
  readonly dialVariables?: Readonly<Record<string, string>>;
  /** `<variables>`: they apply only to a channel that authenticates as the user, never to a B leg. */
  readonly variables?: Readonly<Record<string, string>>;
}

const FIRST_PHONE_PORT = 6070;

/** Lookup of directory users, handing out phone contacts for unknown ones. */
export class Directory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly phonePorts = new Map<string, number>();

  constructor(users: readonly DirectoryUser[] = []) {
    for (const user of users) this.users.set(`${user.user}@${user.domain}`, user);
  }

  /** The dial-string (with `${dialed_*}` filled in) and dial variables of user@domain. */
  lookup(user: string, domain: string): { dialString: string; dialVariables: Readonly<Record<string, string>> } {
    const configured = this.users.get(`${user}@${domain}`);
    const dialString = (configured?.dialString ?? `sofia/internal/sip:${user}@127.0.0.1:${this.phonePort(user, domain)}`)
      .replaceAll('${dialed_domain}', domain)
      .replaceAll('${dialed_user}', user);
    return { dialString, dialVariables: configured?.dialVariables ?? {} };
  }

  /** A configured user (what `user_exists` / `user_data` read). */
  configured(user: string, domain: string): DirectoryUser | undefined {
    return this.users.get(`${user}@${domain}`);
  }

  private phonePort(user: string, domain: string): number {
    const key = `${user}@${domain}`;
    let port = this.phonePorts.get(key);
    if (port === undefined) {
      port = FIRST_PHONE_PORT + 2 * this.phonePorts.size;
      this.phonePorts.set(key, port);
    }
    return port;
  }
}
