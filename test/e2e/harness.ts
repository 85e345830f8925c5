import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
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

/** The variables our dialplan extension sets before parking a picker (freeswitch-conf/dialplan/default/00_fs_pickup.xml). */
export const PICKUP_EXTENSION_VARIABLES = Object.freeze({ fs_pickup_request: 'true', intercept_unanswered_only: 'true' });
export const PARK_TIMEOUT_SEC = 8;

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
    ...options.env,
  };
  let controller = await ControllerProcess.start(env);
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
      controller = await ControllerProcess.start(env);
    },
    async close() {
      await controller.stop();
      await sim.close();
      await redis.quit();
    },
  };
  return bed;
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

/** A picker dials the code; resolves with its uuid once parked. */
export function dial(bed: PickupBed, domain: string, extension: string, dialled: string, extra: { authenticated?: boolean } = {}): Promise<string> {
  return bed.sim.dialPickup({ extension, domain, dialled, parkTimeoutSec: PARK_TIMEOUT_SEC, variables: { ...PICKUP_EXTENSION_VARIABLES }, ...extra });
}

/** Resolves with the controller's final word on one pickup request. */
export async function outcomeOf(bed: PickupBed, pickerUuid: string): Promise<{ msg: string; cause?: unknown; failure?: unknown; callUuid?: unknown }> {
  const line = await bed.controller.waitForLog(
    (l) => l.pickerUuid === pickerUuid && (l.msg === 'call picked up' || l.msg === 'pickup failed; picker hung up' || l.msg === 'could not end the failed pickup; the dialplan park_timeout will'),
    10_000,
  );
  return line as { msg: string; cause?: unknown; failure?: unknown; callUuid?: unknown };
}

/** A header of a command the simulator received. */
export function headerOf(command: ReceivedCommand, name: string): string | undefined {
  return command.headers[name];
}

/** The sendmsg commands the controller sent for one channel, as `app` (or `call-command`) names, in order. */
export function sendmsgsTo(bed: PickupBed, uuid: string): string[] {
  return bed.sim.commands
    .filter((c) => c.name === 'sendmsg' && c.line === `sendmsg ${uuid}`)
    .map((c) => headerOf(c, 'execute-app-name') ?? headerOf(c, 'call-command') ?? '?');
}
