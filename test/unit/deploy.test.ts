/** What production runs: the Dockerfile, the npm scripts and the systemd example all run compiled JavaScript. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../src/config/config.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');
const UNIT = 'deploy/systemd/fs-pickup.service';

/** `Key=value` lines of a systemd unit's section (the last one wins, as in systemd). */
function section(unit: string, name: string): Map<string, string> {
  const body = unit.split(/^\[/m).find((part) => part.startsWith(`${name}]`)) ?? '';
  return new Map(body.split('\n').flatMap((line) => {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    return match ? [[match[1] as string, match[2] as string]] : [];
  }));
}

describe('package.json', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };

  it('starts the compiled controller, building it first', () => {
    expect(pkg.scripts.start).toBe('node dist/main.js');
    expect(pkg.scripts.prestart).toBe('npm run build');
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
  });

  it('needs no TypeScript loader at run time: tsx is a development dependency', () => {
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.devDependencies)).toContain('tsx');
    for (const bin of ['bin/fs-pickup.js', 'bin/pickupctl.js', 'bin/compiled.js']) expect(read(bin)).not.toMatch(/tsx|\.ts['"]/);
  });
});

describe('Dockerfile', () => {
  const stages = read('Dockerfile').split(/^FROM /m).slice(1);

  it('builds in a first stage and runs node dist/main.js from production dependencies only', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/RUN npm run build/);
    const final = stages[1] as string;
    expect(final).toMatch(/npm ci --omit=dev/);
    expect(final).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(final).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    expect(final).not.toMatch(/COPY (\. |src)/);
  });
});

describe('the systemd example', () => {
  const unit = read(UNIT);
  const service = section(unit, 'Service');

  it('runs the compiled controller as an unprivileged user, restarting it after a failure', () => {
    expect(service.get('ExecStart')).toMatch(/\/node dist\/main\.js$/);
    expect(service.get('User')).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(service.get('User')).not.toBe('root');
    expect(service.get('Restart')).toBe('on-failure');
    expect(service.get('RestartPreventExitStatus')).toBe('2');
    expect(service.get('EnvironmentFile')).toBe('/etc/fs-pickup/fs-pickup.env');
  });

  it('stops it with SIGTERM and waits longer than a graceful stop takes', () => {
    expect(service.get('KillSignal')).toBe('SIGTERM');
    // The drain (FSP_DRAIN_TIMEOUT_MS, 10 s by default), then closing: Redis and event-socket commands time out after 5 s.
    expect(Number(service.get('TimeoutStopSec'))).toBeGreaterThanOrEqual(Number(CONFIG_DEFAULTS.FSP_DRAIN_TIMEOUT_MS) / 1000 + 5);
  });

  it('is hardened', () => {
    const hardening: Array<[string, string]> = [['NoNewPrivileges', 'yes'], ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['PrivateTmp', 'yes'], ['CapabilityBoundingSet', '']];
    for (const [key, value] of hardening) {
      expect(service.get(key), key).toBe(value);
    }
    // V8's JIT needs writable and executable memory.
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it.runIf(spawnSync('systemd-analyze', ['--version']).status === 0)('passes systemd-analyze verify', () => {
    const result = spawnSync('systemd-analyze', ['verify', join(REPO, UNIT)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('has an environment file naming every FSP_* variable, with its default', () => {
    const lines = read('deploy/systemd/fs-pickup.env').split('\n');
    const documented = new Map(lines.flatMap((line) => {
      const match = /^#?(FSP_[A-Z_]+)=(.*)$/.exec(line);
      return match ? [[match[1] as string, match[2] as string]] : [];
    }));
    expect([...documented.keys()].sort()).toEqual(Object.keys(CONFIG_DEFAULTS).sort());
    for (const [name, value] of Object.entries(CONFIG_DEFAULTS)) {
      if (value !== '') expect(documented.get(name), name).toBe(value);
    }
    // Commented out: the file documents, the controller's own defaults apply.
    expect(lines.filter((line) => /^FSP_/.test(line))).toEqual([]);
  });
});
