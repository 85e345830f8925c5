import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoDir = fileURLToPath(new URL('../../', import.meta.url));
const confDir = join(repoDir, 'freeswitch-conf');

/** The controller's configuration variables (the contract with src/config). */
const CONTROLLER_VARIABLES = [
  'FSP_REDIS_URL', 'FSP_ESL_HOST', 'FSP_ESL_PORT', 'FSP_ESL_PASSWORD',
  'FSP_PICKUP_PREFIX', 'FSP_CLAIM_STRATEGY', 'FSP_LOG_LEVEL',
];

interface Service {
  image?: string;
  build?: string | { context?: string };
  network_mode?: string;
  environment?: Record<string, string | number | null> | string[];
  volumes?: string[];
}

const compose = parseYaml(readFileSync(join(repoDir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };

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

function eventSocketSetting(name: string): string | undefined {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' })
    .parse(readFileSync(join(confDir, 'autoload_configs/event_socket.conf.xml'), 'utf8')) as
    { configuration: { settings: { param: { name: string; value: string }[] } } };
  return parsed.configuration.settings.param.find((param) => param.name === name)?.value;
}

describe('docker-compose.yml', () => {
  it('runs exactly FreeSWITCH, Redis and the controller', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['controller', 'freeswitch', 'redis']);
  });

  it.each(['freeswitch', 'redis'])('pins the %s image to a version tag', (name) => {
    const tag = imageTag(service(name).image);
    expect(tag).toBeDefined();
    expect(tag).not.toBe('latest');
    expect(tag).toMatch(/^\d+\.\d+/);
  });

  it('uses Redis 7 and a FreeSWITCH 1.10 image', () => {
    expect(imageTag(service('redis').image)).toMatch(/^7\./);
    expect(imageTag(service('freeswitch').image)).toMatch(/^1\.10\./);
  });

  it('builds the controller from the repository Dockerfile', () => {
    const { build } = service('controller');
    expect(typeof build === 'string' ? build : build?.context).toBe('.');
    expect(existsSync(join(repoDir, 'Dockerfile'))).toBe(true);
  });

  it('sets every controller variable, and only known FSP_* names, on every service', () => {
    expect([...environment(service('controller')).keys()].sort()).toEqual([...CONTROLLER_VARIABLES].sort());
    for (const [name, definition] of Object.entries(compose.services)) {
      const unknown = [...environment(definition).keys()]
        .filter((variable) => variable.startsWith('FSP_') && !CONTROLLER_VARIABLES.includes(variable));
      expect(unknown, `service ${name}`).toEqual([]);
    }
  });

  it('gives the controller the event socket port and password that FreeSWITCH is configured with', () => {
    const env = environment(service('controller'));
    expect(env.get('FSP_ESL_PORT')).toBe(eventSocketSetting('listen-port'));
    expect(env.get('FSP_ESL_PASSWORD')).toBe(eventSocketSetting('password'));
  });

  it('reaches FreeSWITCH and Redis on loopback only because all three share the host network', () => {
    const env = environment(service('controller'));
    expect(env.get('FSP_ESL_HOST')).toBe('127.0.0.1');
    expect(eventSocketSetting('listen-ip')).toBe('127.0.0.1');
    expect(new URL(env.get('FSP_REDIS_URL') ?? '').hostname).toBe('127.0.0.1');
    for (const name of ['freeswitch', 'redis', 'controller']) expect(service(name).network_mode, name).toBe('host');
  });

  it('uses the pickup prefix that the dialplan regex starts with', () => {
    const prefix = environment(service('controller')).get('FSP_PICKUP_PREFIX') ?? '';
    expect(prefix).toMatch(/^\d+$/);
    const dialplan = readFileSync(join(confDir, 'dialplan/default/00_fs_pickup.xml'), 'utf8');
    expect(dialplan).toContain(`expression="^${prefix}\\*?`);
  });

  it('mounts every freeswitch-conf XML file read-only at the same path under /etc/freeswitch', () => {
    const confFiles = readdirSync(confDir, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
      .map((entry) => relative(confDir, join(entry.parentPath, entry.name)))
      .sort();
    const mounts = (service('freeswitch').volumes ?? []).map((volume) => volume.split(':'));
    for (const [source, target, mode] of mounts) {
      expect(source).toMatch(/^\.\/freeswitch-conf\//);
      expect(existsSync(join(repoDir, source ?? ''))).toBe(true);
      expect(target).toBe(`/etc/freeswitch/${source?.slice('./freeswitch-conf/'.length)}`);
      expect(mode).toBe('ro');
    }
    expect(mounts.map(([source]) => source?.slice('./freeswitch-conf/'.length)).sort()).toEqual(confFiles);
  });
});
