import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { ChangeFeed } from '../../src/store/change-feed.ts';
import { PreferenceCache } from '../../src/store/preference-cache.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { testRedis } from '../helpers/redis-client.ts';

const { redis, keys } = testRedis();
const store = new PreferenceStore(redis, keys);
const silent = pino({ level: 'silent' });

afterAll(() => redis.quit());

describe('PreferenceCache with the change feed, against a real Redis', () => {
  it('loads every configured user, then follows changes announced by any writer', async () => {
    await store.setMany([{ user: { extension: '100', domain: 'a.test' }, preferences: { ...EMPTY_PREFERENCES, pickupGroups: ['sales'] } }]);
    const cache = new PreferenceCache(store, silent);
    const feed = new ChangeFeed(redis, silent);
    feed.on(keys.preferenceChanges(), (message) => cache.onChange(message));
    feed.onSubscribed(() => cache.warm());
    feed.start();
    try {
      await vi.waitFor(() => expect(cache.peek({ extension: '100', domain: 'a.test' }).preferences.pickupGroups).toEqual(['sales']));
      const [stored] = await store.getRevised([{ extension: '100', domain: 'a.test' }]);
      expect(cache.peek({ extension: '100', domain: 'a.test' }).revision).toBe(stored!.revision);
      // A user never seen counts as not configured.
      expect(cache.peek({ extension: '999', domain: 'a.test' })).toEqual({ preferences: EMPTY_PREFERENCES, revision: '' });

      // Another process (pickupctl) writes: the announcement reaches the cache.
      await store.setMany([
        { user: { extension: '100', domain: 'a.test' }, preferences: { ...EMPTY_PREFERENCES, pickupGroups: ['support'] } },
        { user: { extension: '200', domain: 'a.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['support'] } },
      ]);
      await vi.waitFor(() => {
        expect(cache.peek({ extension: '100', domain: 'a.test' }).preferences.pickupGroups).toEqual(['support']);
        expect(cache.peek({ extension: '200', domain: 'a.test' }).preferences.callGroups).toEqual(['support']);
      });
      await store.setMany([{ user: { extension: '200', domain: 'a.test' }, preferences: EMPTY_PREFERENCES }]);
      await vi.waitFor(() => expect(cache.peek({ extension: '200', domain: 'a.test' }).revision).toBe(''));
    } finally {
      feed.stop();
    }
  });

  it('ignores malformed notices and reloads on request', async () => {
    const cache = new PreferenceCache(store, silent);
    await cache.onChange('not json');
    await cache.onChange(JSON.stringify({ domain: 'b.test', extensions: [42] }));
    await store.setMany([{ user: { extension: '300', domain: 'b.test' }, preferences: { ...EMPTY_PREFERENCES, aclGroups: ['7'], groupPickup: true } }]);
    expect(cache.peek({ extension: '300', domain: 'b.test' }).revision).toBe('');
    await cache.refresh([{ extension: '300', domain: 'b.test' }]);
    expect(cache.peek({ extension: '300', domain: 'b.test' }).preferences).toEqual({ ...EMPTY_PREFERENCES, aclGroups: ['7'], groupPickup: true });
  });
});
