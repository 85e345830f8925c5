import { randomUUID } from 'node:crypto';
import { EMPTY_PREFERENCES } from '../src/domain/preferences.ts';
import { CallStore } from '../src/store/call-store.ts';
import { Keys } from '../src/store/keys.ts';
import { PreferenceStore } from '../src/store/preference-store.ts';
import type { RedisConnection } from '../src/store/redis-connection.ts';

/**
 * Claims per second with `pickers` concurrent claimers (each its own connection, as separate controllers
 * would be) until `calls` ringing calls of one group are all claimed.
 */
export async function measureClaimThroughput(connect: () => Promise<RedisConnection>, calls: number, pickers: number): Promise<number> {
  const setup = await connect();
  const keys = new Keys(`benchclaim${randomUUID().slice(0, 6)}`);
  const domain = 'claims.test';
  await new PreferenceStore(setup, keys).setMany([{ user: { extension: '200', domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } }]);
  const store = new CallStore(setup, keys);
  for (let i = 0; i < calls; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, calls - i) }, () => store.addRingingLeg({ legUuid: randomUUID(), callUuid: randomUUID(), extension: '200', domain, node: 'n1', callerNumber: '1', callerName: 'c' })),
    );
  }
  const connections = await Promise.all(Array.from({ length: pickers }, () => connect()));
  const claimers = connections.map((connection) => new CallStore(connection, keys));
  let claimed = 0;
  const startedAt = performance.now();
  await Promise.all(
    claimers.map(async (claimer, i) => {
      for (;;) {
        const call = await claimer.claim({ domain, index: { group: 'sales' }, pickerUuid: `picker-${i}`, strategy: 'random', random: Math.random(), deadNodes: [], tried: [], preferenceRevisions: new Map() });
        if (!call || call === 'stale') return;
        claimed++;
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  await Promise.all([setup, ...connections].map((connection) => connection.quit()));
  if (claimed !== calls) throw new Error(`claimed ${claimed} of ${calls}`);
  return Math.round(claimed / seconds);
}
