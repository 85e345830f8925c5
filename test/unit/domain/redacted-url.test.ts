import { describe, expect, it } from 'vitest';
import { redactUrlPassword } from '../../../src/domain/redacted-url.ts';

describe('redactUrlPassword', () => {
  it.each([
    ['redis://10.0.0.9:6379', 'redis://10.0.0.9:6379'],
    ['redis://:secret@10.0.0.9:6379/0', 'redis://:***@10.0.0.9:6379/0'],
    ['rediss://admin:secret@redis.example.com', 'rediss://admin:***@redis.example.com'],
    ['redis://admin:p@ss@10.0.0.9', 'redis://admin:***@10.0.0.9'],
    ['redis://secret@10.0.0.9', 'redis://***@10.0.0.9'],
    ['user:secret@host:6379', 'user:***@host:6379'],
    ['not a url', 'not a url'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrlPassword(url)).toBe(shown);
  });
});
