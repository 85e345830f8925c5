/**
 * The in-process SIP network between simulated FreeSWITCH nodes: which node's `cluster` profile
 * answers at which `ip:port`. Nothing is sent on a real network; addresses may be made up.
 */
import { SimulatorConfigError } from './errors.ts';
import type { SipDialog } from './sip-dialog.ts';

/** What the network needs from a node's `cluster` profile. */
export interface SipEndpoint {
  /** Takes an INVITE sent to this profile; returns the uuid of its leg (one that never exists when refused). */
  receiveInvite(invite: ClusterInvite): string;
}

/** An INVITE to a node's `cluster` profile, and where its answers go. */
export interface ClusterInvite {
  readonly callId: string;
  readonly fromUser: string;
  readonly fromDisplay: string;
  /** The sender's cluster profile, `ip:port`. */
  readonly fromAddress: string;
  /** The request-URI user (`pickup-<token>`). */
  readonly destination: string;
  /** Extension headers (`X-…`), from the sender's `sip_h_X-…` variables. */
  readonly headers: Readonly<Record<string, string>>;
  /** The dialog with the sending leg; undefined when a test plays the sending node (`sipCall`). */
  readonly dialog?: SipDialog;
}

/** Node-to-node SIP: `cluster` profiles registered by address. Create one and pass it to each simulator as `sipNetwork`. */
export class SipNetwork {
  private readonly endpoints = new Map<string, SipEndpoint>();

  /** Puts a profile on the network at `address` (`ip:port`). */
  attach(address: string, endpoint: SipEndpoint): void {
    const present = this.endpoints.get(address);
    if (present && present !== endpoint) throw new SimulatorConfigError(`SIP address ${address} is taken by another simulator`);
    this.endpoints.set(address, endpoint);
  }

  /** Takes a profile off the network (a stopped node: its address no longer answers). */
  detach(address: string, endpoint: SipEndpoint): void {
    if (this.endpoints.get(address) === endpoint) this.endpoints.delete(address);
  }

  /** The profile answering at `address`, if any. */
  endpointAt(address: string): SipEndpoint | undefined {
    return this.endpoints.get(address);
  }
}
