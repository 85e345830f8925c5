import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { MEDIA_SETTINGS } from '../../src/esl/early-media.ts';
import { EMPTY_PREFERENCES, type UserPreferences } from '../../src/domain/preferences.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { ControllerProcess } from '../helpers/controller-process.ts';
import { keysUnder, testRedis } from '../helpers/redis-client.ts';
import { FreeSwitchSimulator, type ReceivedCommand, type SimulatorOptions } from '../simulator/index.ts';

/** What a pickup test needs: a simulated FreeSWITCH node, a real Redis and the controller process. */
export interface PickupBed {
  readonly sim: FreeSwitchSimulator;
  readonly controller: ControllerProcess;
  readonly calls: CallStore;
  readonly preferences: PreferenceStore;
  readonly prefix: string;
  readonly node: string;
  readonly env: Record<string, string>;
  /** Every key of this bed's prefix, preferences excluded. */
  callKeys(): Promise<string[]>;
  restartController(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a simulator on a free port and the controller against it and the test run's Redis. */
export async function startPickupBed(options: { simulator?: SimulatorOptions; env?: Record<string, string>; redisUrl?: string } = {}): Promise<PickupBed> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 5, switchname: 'sim-node', ...options.simulator });
  const port = await sim.listen(0);
  const { redis, keys, prefix } = testRedis(options.redisUrl);
  const node = `node-${randomUUID().slice(0, 6)}`;
  const env = {
    FSP_REDIS_URL: options.redisUrl ?? inject('redisUrl'),
    FSP_REDIS_KEY_PREFIX: prefix,
    FSP_ESL_HOST: '127.0.0.1',
    FSP_ESL_PORT: String(port),
    FSP_ESL_PASSWORD: 'ClueCon',
    FSP_NODE_NAME: node,
    // A free port: the simulator's dialplan is pointed at it ($${fs_pickup_controllers}) once it is bound.
    FSP_SOCKET_LISTEN: '127.0.0.1:0',
    ...options.env,
  };
  let controller = await startServing(sim, env);
  const bed: PickupBed = {
    sim,
    get controller() {
      return controller;
    },
    calls: new CallStore(redis, keys),
    preferences: new PreferenceStore(redis, keys),
    prefix,
    node,
    env,
    async callKeys() {
      return (await keysUnder(redis, prefix)).filter((key) => !/:user:|:users$|:domains$/.test(key));
    },
    async restartController() {
      await controller.stop();
      controller = await startServing(sim, env);
    },
    async close() {
      await controller.stop();
      await sim.close();
      await redis.quit();
    },
  };
  return bed;
}

/** Starts a controller and points the node's dialplan (`fs_pickup_controllers`) at its pickup socket. */
export async function startServing(sim: FreeSwitchSimulator, env: Record<string, string>): Promise<ControllerProcess> {
  const controller = await ControllerProcess.start(env);
  sim.setGlobal('fs_pickup_controllers', await controller.socketAddress());
  return controller;
}

/** A fresh domain per test keeps tests of one bed apart. */
export function freshDomain(): string {
  return `d${randomUUID().slice(0, 8)}.test`;
}

/** Sets users' preferences directly in the store (pickupctl is tested on its own). */
export async function setUsers(bed: { readonly preferences: PreferenceStore }, domain: string, users: Record<string, Partial<UserPreferences>>): Promise<void> {
  await bed.preferences.setMany(Object.entries(users).map(([extension, prefs]) => ({ user: { extension, domain }, preferences: { ...EMPTY_PREFERENCES, ...prefs } })));
}

/** Waits until the controller logged that a call rings in the store (so a pickup can find it). */
export async function untilTracked(bed: PickupBed, legUuids: readonly string[]): Promise<void> {
  for (const legUuid of legUuids) {
    await bed.controller.waitForLog((line) => line.msg === 'leg ringing' && line.legUuid === legUuid);
  }
}

/** A picker's phone dials the code (through the product's dialplan); resolves with its uuid. */
export function dial(bed: PickupBed, domain: string, extension: string, dialled: string, extra: { authenticated?: boolean } = {}): Promise<string> {
  return bed.sim.dialPickup({ extension, domain, dialled, ...extra });
}

/**
 * The log messages that end a pickup request (for a cross-node one: the answer on the call's node, logged by the
 * picker's controller when its picker is answered).
 */
export const PICKUP_OUTCOMES = new Set(['call picked up', 'call picked up on the call’s node', 'pickup failed; picker hung up', 'pickup failed; the picker was already gone']);

/** Resolves with the controller's final word on one pickup request. */
export async function outcomeOf(bed: PickupBed, pickerUuid: string): Promise<{ msg: string; cause?: unknown; failure?: unknown; callUuid?: unknown }> {
  const line = await bed.controller.waitForLog(
    (l) => l.pickerUuid === pickerUuid && PICKUP_OUTCOMES.has(String(l.msg)),
    10_000,
  );
  return line as { msg: string; cause?: unknown; failure?: unknown; callUuid?: unknown };
}

/**
 * The commands of a refused request's socket session, by app or command name: the session opened, the media
 * settings read (whether the tone can play), the tone, the hangup cause, exit.
 */
export const REFUSED_SESSION: readonly string[] = ['connect', ...MEDIA_SETTINGS.map(() => 'getvar'), 'playback', 'hangup', 'exit'];

/** A header of a command the simulator received. */
export function headerOf(command: ReceivedCommand, name: string): string | undefined {
  return command.headers[name];
}

/** The sendmsg commands the controller sent on a picker's socket, as `app` (or `call-command`) names, in order. */
export function sendmsgsTo(bed: PickupBed, uuid: string): string[] {
  return bed.sim.commands
    .filter((c) => c.name === 'sendmsg' && c.session === uuid)
    .map((c) => headerOf(c, 'execute-app-name') ?? headerOf(c, 'call-command') ?? '?');
}
