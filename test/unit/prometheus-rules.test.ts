/** The shipped Prometheus files (deploy/prometheus) only name metrics the controller exposes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Metrics } from '../../src/telemetry/metrics.ts';

const read = (name: string): unknown => parse(readFileSync(new URL(`../../deploy/prometheus/${name}`, import.meta.url), 'utf8'));

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels?: { readonly severity?: string };
  readonly annotations?: { readonly summary?: string; readonly description?: string };
}

const RULES = read('fs-pickup-alerts.yml') as { groups: Array<{ name: string; rules: AlertRule[] }> };
const ALERTS = RULES.groups.flatMap((group) => group.rules);

/** Prometheus' own series, which no exporter exposes. */
const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

/** Every series name the registry exposes: a histogram as its `_bucket`, `_sum` and `_count` series. */
async function exposedSeries(): Promise<Set<string>> {
  const metrics = new Metrics({ ringingCalls: async () => new Map(), redisUp: () => true, eslConnections: () => [] }, { collectDefault: false });
  const described = await metrics.registry.getMetricsAsJSON();
  return new Set(described.flatMap(({ name, type }) => (String(type) === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
}

/**
 * The metric names in a PromQL expression: identifiers left once strings, label matchers, range selectors and
 * grouping label lists are taken out, that are neither a keyword nor a function called.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w.:])([A-Za-z_:][\w:]*)(?![\w:]|\s*\()/g)].map((match) => match[1]!).filter((name) => !PROMQL_KEYWORDS.has(name));
}

describe('deploy/prometheus/fs-pickup-alerts.yml', () => {
  it('is a rule file: named groups of alerts, each with an expression, a severity and a summary', () => {
    expect(RULES.groups.length).toBeGreaterThan(0);
    expect(ALERTS.length).toBeGreaterThan(0);
    for (const rule of ALERTS) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^FsPickup[A-Za-z]+$/);
      expect(typeof rule.expr, rule.alert).toBe('string');
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
    expect(new Set(ALERTS.map((rule) => rule.alert)).size).toBe(ALERTS.length);
  });

  it.each(ALERTS.map((rule) => [rule.alert, rule.expr]))('%s names only metrics the controller exposes', async (_alert, expr) => {
    const exposed = await exposedSeries();
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !exposed.has(name) && !PROMETHEUS_SERIES.has(name))).toEqual([]);
  });

  it('finds metric names the way the check above relies on', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (instance, le) (rate(a_bucket{x="y{z}"}[5m]))) > 0.025')).toEqual(['a_bucket']);
    expect(metricNames('sum without (form) (rate(b_total[1h] offset 5m)) / on (instance) group_left c and up == 0')).toEqual(['b_total', 'c', 'up']);
  });
});

describe('deploy/prometheus/prometheus.yml', () => {
  it('loads the alert rules and scrapes the controllers as the job the rules name', () => {
    const config = read('prometheus.yml') as { rule_files: string[]; scrape_configs: Array<{ job_name: string; metrics_path?: string }> };
    expect(config.rule_files).toContain('fs-pickup-alerts.yml');
    expect(config.scrape_configs.map((job) => job.job_name)).toContain('fs-pickup');
    expect(ALERTS.find((rule) => rule.alert === 'FsPickupControllerDown')?.expr).toContain('job="fs-pickup"');
  });
});
