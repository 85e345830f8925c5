/** The FreeSWITCH simulator's public surface, for integration/e2e tests, the demo and the benchmark. */
export { FreeSwitchSimulator } from './simulator.ts';
export { SipNetwork } from './sip-network.ts';
export type { DialPickupOptions, EnqueueMemberOptions, PlaceCallOptions, PlacedCall, SimulatorOptions, SipCallOptions } from './simulator.ts';
export type { CallCenterAgent, CallCenterQueue, QueueStrategy } from './callcenter.ts';
export type { BlfNotify, BlfSubscribeOptions } from './blf-presence.ts';
export type { DeliveredMessage } from './sip-messaging.ts';
export type { ChannelSnapshot, ChannelState, ChannelTimes } from './channel.ts';
export type { ReceivedCommand } from './command-reader.ts';
export type { Dialplan, DialplanAction, DialplanCondition, DialplanExtension } from './dialplan.ts';
export { parseDialplanXml } from './dialplan-xml.ts';
export type { DirectoryUser } from './directory.ts';
export { ChannelStateError, NoSuchChannelError, SimulatorConfigError, SimulatorError, SimulatorTimeoutError } from './errors.ts';
