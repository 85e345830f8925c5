/**
 * SIP MESSAGE as captured in 12: phones registered on `internal`, `api chat` and `sendevent
 * SEND_MESSAGE`. `chat sip|<from>|<profile>/<target>|<text>[|<type>]` fires a MESSAGE event and sends
 * only with a profile in front: `internal/<user>@<domain>` reaches a registered phone (else FreeSWITCH
 * sends it to itself and fails, Delivery-Result-Code 0), `internal/[sip:]<user>@<host>:<port>` goes
 * straight to that address (a phone there answers 200). Without a profile the host is read as the
 * profile name and nothing is sent. SEND_MESSAGE (with `profile:`) reaches registered phones only,
 * From = the target user.
 */
import { separateString } from './separate-string.ts';
import { eventHeader, type SimEvent } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';
import type { Header } from './wire.ts';

/** A MESSAGE a phone received. */
export interface DeliveredMessage {
  /** `user@host[:port]` it was addressed to (without `sip:`). */
  readonly to: string;
  readonly from: string;
  readonly text: string;
}

const SIP_PROFILES = new Set(['internal', 'cluster']);
const REGISTRATION_PORT_BASE = 5100;

/** Registrations on `internal` and the MESSAGEs phones got (both outlive a restart, like sofia's database). */
export class SipMessaging {
  private readonly registered = new Set<string>();
  private readonly delivered: DeliveredMessage[] = [];

  /** A phone `user@domain` REGISTERs (answered 200 at once, as in 12): `CUSTOM sofia::register`. */
  register(core: SwitchCore, address: string): void {
    const [user = '', domain = ''] = address.split('@');
    const port = REGISTRATION_PORT_BASE + 2 * this.registered.size;
    this.registered.add(address);
    core.fire(
      core.options.stamper.createCustom('sofia::register', ['sofia_reg.c', 'sofia_reg_handle_register_token', 2059], [
        ['profile-name', 'internal'],
        ['from-user', user],
        ['from-host', domain],
        ['presence-hosts', domain],
        ['contact', `"" <sip:${user}@127.0.0.1:${port};transport=udp>`],
        ['call-id', `${port}-${user}@127.0.0.1`],
        ['rpid', 'unknown'],
        ['status', 'Registered(UDP)'],
        ['expires', '300'],
        ['to-user', user],
        ['to-host', domain],
        ['network-ip', '127.0.0.1'],
        ['network-port', String(port)],
        ['username', 'unknown'],
        ['realm', domain],
        ['user-agent', 'fs-pickup-simulator'],
      ]),
    );
  }

  /** What phones received, in order. */
  messages(): DeliveredMessage[] {
    return [...this.delivered];
  }

  /** `api chat`: the reply text (no trailing newline), after the MESSAGE event with its delivery result. */
  chat(core: SwitchCore, argument: string): string {
    const fields = separateString(argument, '|', 5);
    if (fields.length < 4) return 'Invalid';
    const [proto = '', from = '', to = '', text = '', type] = fields;
    const code = proto === 'sip' ? this.send(to, from, text) : undefined;
    const sent = code === 200;
    const headers: Header[] = [
      ['proto', 'global'],
      ['from', from],
      ['to', to],
      ...(type === undefined ? [] : ([['type', type]] as Header[])),
      ['skip_global_process', 'true'],
      ['blocking', 'true'],
      ['dest_proto', proto],
      ...(code === undefined ? [] : ([['Delivery-Result-Code', String(code)]] as Header[])),
      ['Delivery-Failure', String(!sent)],
    ];
    core.fire(core.options.stamper.create('MESSAGE', ['switch_loadable_module.c', 'switch_core_chat_send_args', 1100], headers, text));
    return sent ? 'Sent' : 'Error! Message Not Sent';
  }

  /** A fired SEND_MESSAGE with `profile:` reaches the registered `user@host`. */
  observe(event: SimEvent): void {
    if (event.name !== 'SEND_MESSAGE' || eventHeader(event, 'profile') === undefined) return;
    const address = `${eventHeader(event, 'user') ?? ''}@${eventHeader(event, 'host') ?? ''}`;
    if (this.registered.has(address)) this.delivered.push({ to: address, from: address, text: event.body ?? '' });
  }

  /** The SIP answer code of the MESSAGE, or undefined when none was sent (no such profile). */
  private send(to: string, from: string, text: string): number | undefined {
    const slash = to.indexOf('/');
    if (slash < 0 || !SIP_PROFILES.has(to.slice(0, slash))) return undefined;
    const target = to.slice(slash + 1).replace(/^sips?:/, '');
    const explicitPort = /:\d+$/.test(target);
    if (!explicitPort && !this.registered.has(target)) return 0;
    this.delivered.push({ to: target, from, text });
    return 200;
  }
}
