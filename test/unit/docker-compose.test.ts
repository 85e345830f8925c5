import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../src/config/config.ts';
import { parse as parseYaml } from 'yaml';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const confDir = join(repoDir, 'freeswitch-conf');
const startScript = 'freeswitch-conf/docker/start-node.sh';

/** The controller's configuration variables that the compose file may set (the contract with src/config). */
const CONTROLLER_VARIABLES = [
  'FSP_REDIS_URL', 'FSP_ESL_HOST', 'FSP_ESL_PORT', 'FSP_ESL_PASSWORD', 'FSP_NODE_NAME', 'FSP_NODE_SIP_ADDRESS',
  'FSP_PEERS', 'FSP_SOCKET_LISTEN', 'FSP_HTTP_LISTEN', 'FSP_CLUSTER_SIP_PROFILE', 'FSP_PICKUP_PREFIX', 'FSP_CLAIM_STRATEGY', 'FSP_LOG_LEVEL',
];

interface Service {
  image?: string;
  build?: string | { context?: string };
  network_mode?: string;
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
  environment?: Record<string, string | number | null> | string[];
  volumes?: string[];
  ports?: string[];
  entrypoint?: string[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string[] };
  stop_grace_period?: string;
}

interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string }> } } | null>;
}

/** `merge: true`: the file shares settings through YAML merge keys (`<<: *anchor`), as Docker Compose reads them. */
const compose = parseYaml(readFileSync(join(repoDir, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['param', 'list', 'node'].includes(name) });

const serviceNames = Object.keys(compose.services);
const isFreeswitch = (name: string): boolean => /freeswitch/.test(compose.services[name]?.image ?? '');
const buildContext = (of: Service): string | undefined => (typeof of.build === 'string' ? of.build : of.build?.context);
const nodeNames = serviceNames.filter(isFreeswitch);
const controllerNames = serviceNames.filter((name) => buildContext(compose.services[name] as Service) !== undefined);

function service(name: string): Service {
  const found = compose.services[name];
  expect(found, `service ${name}`).toBeDefined();
  return found as Service;
}

/** Compose allows `environment` as a map or as a list of `NAME=value`. */
function environment(of: Service): Map<string, string> {
  const entries = Array.isArray(of.environment)
    ? of.environment.map((line) => { const at = line.indexOf('='); return [line.slice(0, at), line.slice(at + 1)]; })
    : Object.entries(of.environment ?? {}).map(([name, value]) => [name, String(value ?? '')]);
  return new Map(entries as [string, string][]);
}

function imageTag(image: string | undefined): string | undefined {
  return /^[^@]+:([^:/@]+)$/.exec(image ?? '')?.[1];
}

/** The service's static address on the project's network. */
function addressOf(name: string): string | undefined {
  const networks = service(name).networks;
  if (!networks || Array.isArray(networks)) return undefined;
  return Object.values(networks)[0]?.ipv4_address;
}

function confXml<T>(path: string): T {
  return xml.parse(readFileSync(join(confDir, path), 'utf8')) as T;
}

function paramsOf(params: Array<{ name: string; value: string }>): Map<string, string> {
  return new Map(params.map((param) => [param.name, param.value]));
}

const eventSocket = paramsOf(confXml<{ configuration: { settings: { param: Array<{ name: string; value: string }> } } }>(
  'autoload_configs/event_socket.conf.xml').configuration.settings.param);
const clusterProfile = confXml<{ profile: { name: string; settings: { param: Array<{ name: string; value: string }> } } }>(
  'sip_profiles/cluster.xml').profile;
const clusterPort = paramsOf(clusterProfile.settings.param).get('sip-port');

/** The hosts an ACL list of acl.conf.xml allows, as plain addresses. */
function aclHosts(listName: string): string[] {
  const lists = confXml<{ configuration: { 'network-lists': { list: Array<{ name: string; node?: Array<{ type: string; cidr?: string }> }> } } }>(
    'autoload_configs/acl.conf.xml').configuration['network-lists'].list;
  const list = lists.find((candidate) => candidate.name === listName);
  expect(list, listName).toBeDefined();
  return (list?.node ?? []).filter((node) => node.type === 'allow').map((node) => (node.cidr ?? '').replace(/\/32$/, '')).sort();
}

/** The node a controller serves, by its FSP_NODE_NAME (the node's service name). */
function nodeOf(controller: string): string {
  const node = environment(service(controller)).get('FSP_NODE_NAME') ?? '';
  expect(nodeNames, `${controller}'s FSP_NODE_NAME`).toContain(node);
  return node;
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function inSubnet(address: string, subnet: string): boolean {
  const [base = '', bits = '32'] = subnet.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4ToNumber(address) / size) === Math.floor(ipv4ToNumber(base) / size);
}

/** One published port mapping: host range → container range. */
interface Published { host: [number, number]; container: [number, number]; protocol: string }

function published(of: Service): Published[] {
  return (of.ports ?? []).map((mapping) => {
    const match = /^(\d+)(?:-(\d+))?:(\d+)(?:-(\d+))?\/(udp|tcp)$/.exec(mapping);
    expect(match, `port mapping ${mapping} (host:container/protocol)`).not.toBeNull();
    const [, hostFirst, hostLast, first, last, protocol] = match as RegExpExecArray;
    return {
      host: [Number(hostFirst), Number(hostLast ?? hostFirst)],
      container: [Number(first), Number(last ?? first)],
      protocol: protocol as string,
    };
  });
}

describe('docker-compose.yml: services', () => {
  it('runs two FreeSWITCH nodes, Redis and one controller per node', () => {
    expect(nodeNames).toHaveLength(2);
    expect(controllerNames).toHaveLength(2);
    expect(serviceNames.sort()).toEqual([...nodeNames, ...controllerNames, 'redis'].sort());
  });

  it('runs the same pinned FreeSWITCH 1.10 image on every node', () => {
    const images = new Set(nodeNames.map((name) => service(name).image));
    expect(images.size).toBe(1);
    expect(imageTag([...images][0])).toMatch(/^1\.10\.\d+/);
  });

  it('pins Redis 7 to a version tag', () => {
    expect(imageTag(service('redis').image)).toMatch(/^7\.\d+/);
  });

  it('builds the controllers from the repository Dockerfile', () => {
    for (const name of controllerNames) expect(buildContext(service(name)), name).toBe('.');
    expect(existsSync(join(repoDir, 'Dockerfile'))).toBe(true);
  });
});

describe('docker-compose.yml: network', () => {
  const [networkName, network] = Object.entries(compose.networks ?? {})[0] ?? [];
  const subnet = network?.ipam?.config?.[0]?.subnet ?? '';

  it('puts every service on one user-defined network with a static address inside its subnet', () => {
    expect(Object.keys(compose.networks ?? {})).toHaveLength(1);
    expect(subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const addresses = serviceNames.map((name) => {
      expect(service(name).network_mode, name).toBeUndefined();
      expect(Object.keys(service(name).networks ?? {}), name).toEqual([networkName]);
      const address = addressOf(name) ?? '';
      expect(inSubnet(address, subnet), `${name} at ${address} in ${subnet}`).toBe(true);
      return address;
    });
    expect(new Set(addresses).size).toBe(addresses.length);
  });

  it('publishes neither the event socket, nor the cluster SIP port, nor Redis', () => {
    for (const name of serviceNames) {
      for (const { host } of published(service(name))) {
        for (const port of [Number(eventSocket.get('listen-port')), Number(clusterPort), 6379]) {
          expect(port >= host[0] && port <= host[1], `${name} publishes ${port}`).toBe(false);
        }
      }
    }
  });
});

describe('docker-compose.yml: FreeSWITCH nodes', () => {
  const confXmlFiles = readdirSync(confDir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
    .map((entry) => relative(confDir, join(entry.parentPath, entry.name)))
    .sort();
  const scriptVariables = [...new Set(readFileSync(join(repoDir, startScript), 'utf8').match(/\bFS_[A-Z_]+\b/g))];

  it.each(nodeNames)('%s mounts every freeswitch-conf XML file read-only at the same path under /etc/freeswitch', (name) => {
    const mounts = (service(name).volumes ?? []).map((volume) => volume.split(':'))
      .filter(([source]) => source?.endsWith('.xml'));
    for (const [source, target, mode] of mounts) {
      expect(source).toMatch(/^\.\/freeswitch-conf\//);
      expect(existsSync(join(repoDir, source ?? ''))).toBe(true);
      expect(target).toBe(`/etc/freeswitch/${source?.slice('./freeswitch-conf/'.length)}`);
      expect(mode).toBe('ro');
    }
    expect(mounts.map(([source]) => source?.slice('./freeswitch-conf/'.length)).sort()).toEqual(confXmlFiles);
  });

  it.each(nodeNames)('%s starts through start-node.sh, mounted read-only, with every variable the script requires', (name) => {
    const node = service(name);
    const mount = (node.volumes ?? []).map((volume) => volume.split(':')).find(([source]) => source === `./${startScript}`);
    expect(mount?.[2]).toBe('ro');
    expect(node.entrypoint).toEqual(['/bin/sh', mount?.[1]]);
    expect(scriptVariables).toEqual(expect.arrayContaining(['FS_DOMAIN', 'FS_DEFAULT_PASSWORD', 'FS_PUBLIC_IP', 'FS_SIP_PORT', 'FS_RTP_PORTS', 'FS_PICKUP_CONTROLLERS']));
    for (const variable of scriptVariables) expect(environment(node).get(variable), `${name} ${variable}`).toMatch(/\S/);
  });

  it('gives every node the same SIP domain (users and groups are keyed by user@domain)', () => {
    expect(new Set(nodeNames.map((name) => environment(service(name)).get('FS_DOMAIN'))).size).toBe(1);
  });

  it.each(nodeNames)("%s publishes its phone SIP port (UDP and TCP) and RTP range 1:1, as FreeSWITCH advertises them", (name) => {
    const env = environment(service(name));
    const sipPort = Number(env.get('FS_SIP_PORT'));
    const [rtpFirst, rtpLast] = (env.get('FS_RTP_PORTS') ?? '').split('-').map(Number);
    const ports = published(service(name));
    for (const { host, container } of ports) expect(host).toEqual(container);
    expect(ports).toEqual(expect.arrayContaining([
      { host: [sipPort, sipPort], container: [sipPort, sipPort], protocol: 'udp' },
      { host: [sipPort, sipPort], container: [sipPort, sipPort], protocol: 'tcp' },
      { host: [rtpFirst, rtpLast], container: [rtpFirst, rtpLast], protocol: 'udp' },
    ]));
    expect(rtpLast).toBeGreaterThan(rtpFirst ?? Infinity);
  });

  it('publishes no host port twice', () => {
    const taken = nodeNames.flatMap((name) => published(service(name)))
      .flatMap(({ host, protocol }) => Array.from({ length: host[1] - host[0] + 1 }, (_, at) => `${host[0] + at}/${protocol}`));
    expect(new Set(taken).size).toBe(taken.length);
  });

  it.each(nodeNames)("%s's health check reaches the event socket on the node's address, which the ESL ACL admits", (name) => {
    const test = service(name).healthcheck?.test ?? [];
    expect(test.slice(0, 2)).toEqual(['CMD', 'fs_cli']);
    expect(test[test.indexOf('-H') + 1]).toBe(addressOf(name));
    expect(test[test.indexOf('-p') + 1]).toBe(eventSocket.get('password'));
    expect(aclHosts('fs_pickup_controllers')).toContain(addressOf(name));
  });

  it('lets exactly the nodes hand pickups to each other (the fs_pickup_cluster ACL)', () => {
    expect(aclHosts('fs_pickup_cluster')).toEqual(nodeNames.map(addressOf).sort());
  });
});

describe('docker-compose.yml: controllers', () => {
  it('sets every controller variable, and only known FSP_* names, on every service', () => {
    for (const name of controllerNames) {
      expect([...environment(service(name)).keys()].sort(), name).toEqual([...CONTROLLER_VARIABLES].sort());
    }
    for (const name of serviceNames) {
      const unknown = [...environment(service(name)).keys()]
        .filter((variable) => variable.startsWith('FSP_') && !CONTROLLER_VARIABLES.includes(variable));
      expect(unknown, `service ${name}`).toEqual([]);
    }
  });

  it('serves each node with its own controller, which starts after it', () => {
    expect(controllerNames.map(nodeOf).sort()).toEqual([...nodeNames].sort());
    for (const name of controllerNames) {
      const dependsOn = service(name).depends_on ?? [];
      expect(Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn)).toEqual(expect.arrayContaining([nodeOf(name), 'redis']));
    }
  });

  it.each(controllerNames)('%s is healthy while ready (GET /readyz on its health listener) and is given time to drain on stop', (name) => {
    const of = service(name);
    const port = (environment(of).get('FSP_HTTP_LISTEN') ?? '').split(':')[1];
    expect(environment(of).get('FSP_HTTP_LISTEN')).toMatch(/^0\.0\.0\.0:\d+$/);
    expect(of.healthcheck?.test?.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(Number(/^(\d+)s$/.exec(of.stop_grace_period ?? '')?.[1])).toBeGreaterThanOrEqual(Number(CONFIG_DEFAULTS.FSP_DRAIN_TIMEOUT_MS) / 1000 + 5);
  });

  it.each(controllerNames)("%s reaches its node's event socket with the configured port and password, through the ESL ACL", (name) => {
    const env = environment(service(name));
    expect(env.get('FSP_ESL_HOST')).toBe(addressOf(nodeOf(name)));
    expect(env.get('FSP_ESL_PORT')).toBe(eventSocket.get('listen-port'));
    expect(env.get('FSP_ESL_PASSWORD')).toBe(eventSocket.get('password'));
    expect(aclHosts('fs_pickup_controllers')).toContain(addressOf(name));
  });

  it.each(controllerNames)("%s announces its node's cluster profile address, which the cluster ACL admits", (name) => {
    const env = environment(service(name));
    const nodeAddress = addressOf(nodeOf(name)) ?? '';
    expect(clusterPort).toMatch(/^\d+$/);
    expect(env.get('FSP_NODE_SIP_ADDRESS')).toBe(`${nodeAddress}:${clusterPort}`);
    expect(env.get('FSP_CLUSTER_SIP_PROFILE')).toBe(clusterProfile.name);
    expect(aclHosts('fs_pickup_cluster')).toContain(nodeAddress);
  });

  it.each(nodeNames)("%s's dialplan connects pickers to the pickup socket of the controllers serving it, and only those", (name) => {
    const listed = (environment(service(name)).get('FS_PICKUP_CONTROLLERS') ?? '').split('|');
    const serving = controllerNames.filter((controller) => nodeOf(controller) === name);
    expect(listed.sort()).toEqual(serving.map((controller) => {
      const port = (environment(service(controller)).get('FSP_SOCKET_LISTEN') ?? '').split(':')[1];
      return `${addressOf(controller)}:${port}`;
    }).sort());
    for (const controller of serving) expect(environment(service(controller)).get('FSP_SOCKET_LISTEN')).toMatch(/^0\.0\.0\.0:\d+$/);
  });

  it.each(controllerNames)("%s reaches every other node's event socket (FSP_PEERS) to hand pickups over, through the ESL ACL", (name) => {
    const peers = JSON.parse(environment(service(name)).get('FSP_PEERS') ?? '[]') as Array<{ name: string; eslHost: string; eslPort: number }>;
    expect(peers.map((peer) => peer.name).sort()).toEqual(nodeNames.filter((node) => node !== nodeOf(name)).sort());
    for (const peer of peers) {
      expect(peer.eslHost).toBe(addressOf(peer.name));
      expect(String(peer.eslPort)).toBe(eventSocket.get('listen-port'));
    }
    // Every node's event socket admits every controller (one shared acl.conf.xml).
    expect(aclHosts('fs_pickup_controllers')).toContain(addressOf(name));
  });

  it.each(controllerNames)('%s uses the compose Redis', (name) => {
    const url = new URL(environment(service(name)).get('FSP_REDIS_URL') ?? '');
    expect(url.hostname).toBe(addressOf('redis'));
    expect(url.port).toBe('6379');
  });

  it.each(controllerNames)('%s uses the pickup prefix that the dialplan regex starts with', (name) => {
    const prefix = environment(service(name)).get('FSP_PICKUP_PREFIX') ?? '';
    expect(prefix).toMatch(/^\d+$/);
    const dialplan = readFileSync(join(confDir, 'dialplan/default/00_fs_pickup.xml'), 'utf8');
    expect(dialplan).toContain(`expression="^${prefix}\\*?`);
  });
});
