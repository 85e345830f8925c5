import type { RedisTarget } from '../config/config.ts';
import { redactUrlPassword } from '../domain/redacted-url.ts';

/**
 * Where pickupctl looks for Redis, in words for a message: the URL without its password, or the host list of a
 * Cluster or of the Sentinels.
 */
export function describeRedisTarget(target: RedisTarget): string {
  switch (target.kind) {
    case 'single':
      return redactUrlPassword(target.url);
    case 'cluster':
      return `the Redis Cluster ${hostList(target.nodes)}`;
    case 'sentinel':
      return `the master "${target.name}" of the Sentinels ${hostList(target.sentinels)}`;
  }
}

function hostList(hosts: ReadonlyArray<{ host: string; port: number }>): string {
  // An IPv6 address is written in brackets, as in the configuration.
  return hosts.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');
}
