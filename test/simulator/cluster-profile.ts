/**
 * A node's SIP profile `cluster` (freeswitch-conf/sip_profiles/cluster.xml). Bridges to
 * `sofia/cluster/<user>@<ip:port>` leave through it over the SipNetwork; INVITEs from other nodes come
 * in through it: refused with 403 (no channel, no event, as sofia's apply-inbound-acl does) unless the
 * sender's IP is in the ACL, else routed in the profile's context without authentication, so the
 * leg has no user_name/domain_name (capture 15, node2).
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from './channel.ts';
import { SimulatorConfigError } from './errors.ts';
import { createSipInbound } from './leg-factory.ts';
import { SipDialog } from './sip-dialog.ts';
import type { ClusterInvite, SipEndpoint, SipNetwork } from './sip-network.ts';
import type { SwitchCore } from './switch-core.ts';
import { afterHop } from './timing.ts';

/** The profile's name in dial strings and channel names. */
export const CLUSTER_PROFILE = 'cluster';

/** The product's context for token legs (its extensions: freeswitch-conf/dialplan/fs_pickup_cluster.xml). */
export const PICKUP_CLUSTER_CONTEXT = 'fs_pickup_cluster';

/** How a node's `cluster` profile is set up. */
export interface ClusterProfileSettings {
  readonly network: SipNetwork | undefined;
  /** `ip:port` where the profile listens; required on a network. */
  readonly address: string | undefined;
  /** IPs admitted by the inbound ACL; undefined: no ACL, every IP is admitted. */
  readonly acl: readonly string[] | undefined;
  readonly context: string;
}

const USER_AGENT = 'FreeSWITCH-mod_sofia/1.11.3-dev~64bit';
const ADDRESS = /^[^\s:@]+:\d{1,5}$/;
const EXTENSION_HEADER = /^sip_h_(X-.+)$/i;

/** The `cluster` profile of one simulated node; it outlives restarts (the new core is asked for each call). */
export class ClusterProfile implements SipEndpoint {
  constructor(
    private readonly settings: ClusterProfileSettings,
    private readonly currentCore: () => SwitchCore,
  ) {
    if (settings.address !== undefined && !ADDRESS.test(settings.address)) {
      throw new SimulatorConfigError(`clusterSipAddress must be ip:port, not ${JSON.stringify(settings.address)}`);
    }
    if (settings.network && settings.address === undefined) throw new SimulatorConfigError('a sipNetwork needs a clusterSipAddress');
  }

  // Without a network the address is only a name in variables.
  private get ownAddress(): string {
    return this.settings.address ?? '127.0.0.1:5090';
  }

  /** Starts answering at the profile's address. */
  start(): void {
    if (this.settings.network && this.settings.address) this.settings.network.attach(this.settings.address, this);
  }

  /** Stops answering: INVITEs to the address now fail as unreachable. */
  stop(): void {
    if (this.settings.network && this.settings.address) this.settings.network.detach(this.settings.address, this);
  }

  /** What an outbound leg to `<user>@<address>` on this profile carries from its creation on (15: X's CHANNEL_CREATE). */
  outboundVariables(user: string, address: string): Record<string, string> {
    return { sip_destination_url: `sip:${user}@${address}`, sip_from_host: ipOf(this.ownAddress), sofia_profile_url: `sip:mod_sofia@${this.ownAddress}` };
  }

  /**
   * Sends the INVITE for a bridge's outbound leg `sofia/cluster/<user>@<address>`. Its `sip_h_X-…`
   * variables go along as headers. Nothing at the address (or no network) answers like sofia's
   * transport error: 503 without a Reason, so the leg ends NORMAL_TEMPORARY_FAILURE at once (an address
   * that swallows packets would take 32 s and end RECOVERY_ON_TIMER_EXPIRE; not modelled).
   */
  invite(core: SwitchCore, leg: Channel, user: string, address: string): void {
    const dialog = new SipDialog(core, leg);
    const headers: Record<string, string> = {};
    for (const [name, value] of leg.variables) {
      const header = EXTENSION_HEADER.exec(name);
      if (header) headers[header[1]!] = value;
    }
    const invite: ClusterInvite = {
      callId: dialog.callId,
      fromUser: leg.profile.callerIdNumber,
      fromDisplay: leg.profile.callerIdName,
      fromAddress: this.ownAddress,
      destination: user,
      headers,
      dialog,
    };
    afterHop(core.options.timing.sipHopMs.invite, () => {
      if (!dialog.pending) return;
      const endpoint = this.settings.network?.endpointAt(address);
      if (endpoint) endpoint.receiveInvite(invite);
      else dialog.refuse(503);
    });
  }

  /**
   * An INVITE arriving on the profile (from another node, or forged by a test): the ACL, then a
   * `sofia/cluster/<user>@<sender ip>` leg routed in the profile's context. Returns the leg's uuid; a
   * refused call gets a uuid that never becomes a channel.
   */
  receiveInvite(call: ClusterInvite): string {
    const [ip = '', port = '5090'] = call.fromAddress.split(':');
    if (this.settings.acl && !this.settings.acl.includes(ip)) {
      call.dialog?.refuse(403);
      return randomUUID();
    }
    const core = this.currentCore();
    const { ownAddress } = this;
    const [ownIp = '', ownPort = ''] = ownAddress.split(':');
    const leg = createSipInbound(core, {
      profile: CLUSTER_PROFILE,
      fromUser: call.fromUser,
      fromHost: ip,
      networkIp: ip,
      networkPort: Number(port),
      callerIdName: call.fromDisplay,
      callerIdNumber: call.fromUser,
      destination: call.destination,
      context: this.settings.context,
      variables: {
        sip_call_id: call.callId,
        sofia_profile_url: `sip:mod_sofia@${ownAddress}`,
        'sip_Remote-Party-ID': `"${call.fromDisplay}" <sip:${call.fromUser}@${ip}>;party=calling;screen=yes;privacy=off`,
        sip_req_uri: `${call.destination}@${ownAddress}`,
        sip_req_host: ownIp,
        sip_req_port: ownPort,
        sip_to_uri: `${call.destination}@${ownAddress}`,
        sip_to_host: ownIp,
        sip_to_port: ownPort,
        sip_contact_user: 'mod_sofia',
        sip_contact_uri: `mod_sofia@${ip}:${port}`,
        sip_user_agent: USER_AGENT,
      },
      headers: call.headers,
    });
    call.dialog?.accept(core, leg, ownAddress);
    core.route(leg);
    return leg.uuid;
  }
}

function ipOf(address: string): string {
  return address.split(':')[0] ?? address;
}
