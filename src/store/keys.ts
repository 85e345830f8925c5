/**
 * Every Redis key of fs-pickup is built here. Keys of one domain share the hash tag `{<domain>}`, so each Lua
 * script (which only touches one domain) runs on a single slot of a Redis Cluster. Domains are validated before
 * they get here (no braces, colons or spaces).
 */
export class Keys {
  constructor(readonly prefix = 'fsp') {}

  /** `fsp:{pbx.example.com}:` — the base every per-domain key starts with; scripts receive it as a KEY. */
  domainBase(domain: string): string {
    return `${this.prefix}:{${domain}}:`;
  }

  /** hash: callGroups, pickupGroups, aclGroups, groupPickup, pickupQueues, neverPickable, pickupNotices (canonical fields), rev, updatedAt */
  user(domain: string, extension: string): string {
    return `${this.domainBase(domain)}user:${extension}`;
  }

  /** set of the extensions that have preferences, for listing */
  users(domain: string): string {
    return `${this.domainBase(domain)}users`;
  }

  /** hash: node, startedAt, callerNumber, callerName, groups, aclGroups, queue, kind, excluded, state (ringing|claimed|offline), claimedBy, updatedAt */
  call(domain: string, callUuid: string): string {
    return `${this.domainBase(domain)}call:${callUuid}`;
  }

  /** hash: ringing leg uuid -> extension it rings */
  callLegs(domain: string, callUuid: string): string {
    return `${this.domainBase(domain)}call:${callUuid}:legs`;
  }

  /** sorted set of pickable call uuids of one call group, scored by ring start (ms) */
  groupIndex(domain: string, group: string): string {
    return `${this.domainBase(domain)}group:${group}`;
  }

  /** sorted set of pickable call uuids ringing legacy users of one ACL group (legacy group pickup, 88 alone) */
  aclIndex(domain: string, aclGroup: string): string {
    return `${this.domainBase(domain)}acl:${aclGroup}`;
  }

  /** sorted set of pickable call uuids ringing through one queue (88cg_<queue>) */
  queueIndex(domain: string, queue: string): string {
    return `${this.domainBase(domain)}queue:${queue}`;
  }

  /** hash: notify (off|message; none: lamp), notifyAfterSeconds — what one call group tells about its calls */
  groupSettings(domain: string, group: string): string {
    return `${this.domainBase(domain)}groupcfg:${group}`;
  }

  /** marker: the pickup notice for one call and group was sent (cluster-wide, once) */
  notified(domain: string, callUuid: string, group: string): string {
    return `${this.domainBase(domain)}notified:${callUuid}:${group}`;
  }

  /** hash: state (early|terminated), version — the BLF lamp of a call group, set by the scripts */
  blfState(domain: string, group: string): string {
    return `${this.domainBase(domain)}blf:${group}`;
  }

  /** hash: nodes (where calls offered under the extension ring, space-separated), version — its BLF lamp, set by the scripts */
  extensionLamp(domain: string, extension: string): string {
    return `${this.domainBase(domain)}extlamp:${extension}`;
  }

  /** stream of the domain's pickup records (capped; it expires after a month without a pickup) */
  pickups(domain: string): string {
    return `${this.domainBase(domain)}pickups`;
  }

  /** sorted set of pickable call uuids ringing one extension */
  extensionIndex(domain: string, extension: string): string {
    return `${this.domainBase(domain)}ext:${extension}`;
  }

  /** set of `<domain> <call uuid>` a node has ringing: what its resync compares with the switch */
  nodeCalls(node: string): string {
    return `${this.prefix}:node:${node}:calls`;
  }

  /** hash: sipAddress, coreUuid, updatedAt — what the cluster knows about one FreeSWITCH node */
  node(node: string): string {
    return `${this.prefix}:node:${node}`;
  }

  /** set of every node name ever served */
  nodes(): string {
    return `${this.prefix}:nodes`;
  }

  /** sorted set of `<node>|<controller>` scored by when that controller's heartbeat for the node expires (ms) */
  aliveNodes(): string {
    return `${this.prefix}:nodes:alive`;
  }

  /** sorted set of the hand-off tokens put into one node's FreeSWITCH hash, scored by when they expire (ms) */
  nodeTokens(node: string): string {
    return `${this.prefix}:node:${node}:tokens`;
  }

  /** pub/sub channel: a group's BLF lamp changed (published by the Lua scripts) */
  presenceChannel(): string {
    return `${this.prefix}:presence`;
  }

  /** pub/sub channel: where an extension's pickable calls ring changed (published by the Lua scripts) */
  extensionLampChannel(): string {
    return `${this.prefix}:extension-lamps`;
  }

  /** pub/sub channel: what rings in some groups of a domain may have changed (`{domain, groups}`, published by the Lua scripts) */
  callChanges(): string {
    return `${this.prefix}:calls`;
  }

  /** pub/sub channel: users' preferences changed (published by PreferenceStore.setMany) */
  preferenceChanges(): string {
    return `${this.prefix}:preferences`;
  }

  /** set of the domains that have preferences */
  domains(): string {
    return `${this.prefix}:domains`;
  }
}
