import type { Logger } from 'pino';
import type { CallStore } from '../store/call-store.ts';
import type { ChangeFeed } from '../store/change-feed.ts';
import type { GroupSettingsStore } from '../store/group-settings-store.ts';
import type { Keys } from '../store/keys.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { PickupRecordStore } from '../store/pickup-records.ts';
import type { PreferenceStore } from '../store/preference-store.ts';
import type { RedisConnection } from '../store/redis-connection.ts';
import type { ApiToken } from './api-token.ts';

/**
 * What the admin API and the board work with: the stores (the same Redis as the pickups, so what they show and
 * change is what the pickups use), the change feed for live views (`keys.callChanges()`, `keys.presenceChannel()`:
 * register handlers when the routes are set up), and the token every route checks.
 */
export interface AdminContext {
  readonly token: ApiToken | undefined;
  readonly redis: RedisConnection;
  readonly keys: Keys;
  readonly calls: CallStore;
  readonly preferences: PreferenceStore;
  readonly groupSettings: GroupSettingsStore;
  readonly registry: NodeRegistry;
  readonly records: PickupRecordStore;
  readonly feed: ChangeFeed;
  /** The pickup feature code (FSP_PICKUP_PREFIX), for what the board and the API show users to dial. */
  readonly pickupPrefix: string;
  readonly logger: Logger;
}
