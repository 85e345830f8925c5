/**
 * What the capture drivers of run 1–4 did, as steps for replay scenarios: originate a loopback
 * caller, wait for its ringing, run 4's stand-in controller (subscribe, `sendmsg … execute`), the
 * run-4 call, picker and cleanup.
 */
import { randomUUID } from 'node:crypto';
import type { ReplayContext } from './replay-harness.ts';
import type { EslTestClient } from './test-client.ts';

const CONTROLLER_EVENTS =
  'event plain CHANNEL_PARK CHANNEL_UNPARK CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE';

/** The driver's `bgapi originate` of a loopback caller that parks its own leg. */
export function originate(uuid: string, number: string, destination: string, name?: string): string {
  const callerName = name === undefined ? '' : `,origination_caller_id_name=${name}`;
  return `bgapi originate {origination_uuid=${uuid},origination_caller_id_number=${number}${callerName}}loopback/${destination}/default &park()`;
}

/** The caller's side (the inbound A leg) has passed the 180 on: its CHANNEL_PROGRESS. */
export function callerHearsRinging(context: ReplayContext): Promise<unknown> {
  return context.event((event) => event.get('Event-Name') === 'CHANNEL_PROGRESS' && event.get('Call-Direction') === 'inbound', 'the A leg to ring');
}

/** Run 4's stand-in controller connects, authenticates and subscribes. */
export async function subscribedController(context: ReplayContext): Promise<EslTestClient> {
  const controller = await context.controller();
  await controller.command('auth ClueCon');
  await controller.command(CONTROLLER_EVENTS);
  return controller;
}

/** The controller's `sendmsg <uuid>` execute of each application in turn, each with a fresh Event-UUID. */
export async function controllerExecutes(context: ReplayContext, uuid: string, apps: ReadonlyArray<readonly [app: string, arg: string]>): Promise<EslTestClient> {
  const controller = await context.controller();
  for (const [app, arg] of apps) {
    await controller.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}\nEvent-UUID: ${randomUUID()}`);
  }
  return controller;
}

/** Run 4's controller on a parked leg: set intercept_unanswered_only + intercept the A leg (14, 15 node2). */
export function controllerIntercepts(context: ReplayContext, parked: string, aLeg: string): Promise<EslTestClient> {
  return controllerExecutes(context, parked, [['set', 'intercept_unanswered_only=true'], ['intercept', aLeg]]);
}

/** Run 4: caller 300 → 200 (user/200@pbx.test) rings; returns caller and A leg. */
export async function run4Call(context: ReplayContext): Promise<{ caller: string; aLeg: string }> {
  const caller = randomUUID();
  await context.send(originate(caller, '300', '200', 'Caller300'));
  await callerHearsRinging(context);
  const aLeg = (await context.channelNamed(/^loopback\/200-b$/)).uuid;
  return { caller, aLeg };
}

/** Run 4's picker phone: user 100 dials 88sales; run 4's dialplan parks it (pickup_request=sales). Resolves once parked. */
export async function run4Picker(context: ReplayContext): Promise<string> {
  const picker = await context.sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
  await context.sim.waitForChannel(picker, (channel) => channel.parked);
  return picker;
}

/** Run 4's end of a scenario: every channel gone, then `hupall` and `show channels count`. */
export async function run4Cleanup(context: ReplayContext): Promise<void> {
  await context.gone();
  await context.send('api hupall NORMAL_CLEARING');
  await context.send('api show channels count');
}
