import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validateDomain } from '../../domain/users.ts';
import type { PickupRecordStore, StoredPickupRecord } from '../../store/pickup-records.ts';
import { refuseParams } from './problems.ts';
import type { RecordFollowers } from './record-followers.ts';
import { answers } from './responses.ts';
import { DomainParams, type PickupRecordJson, RECORD_PAGE, RecordFollowHeaders, RecordFollowQuery, RecordPage, RecordPageQuery } from './schemas.ts';

/**
 * A domain's pickup records: newest first a page at a time (`before` the last id seen), and followed live as
 * server-sent events — one `pickup` event per record, its id the stream id, so that a client resumes with
 * Last-Event-ID (EventSource does it by itself) without losing or repeating one.
 */
export const recordRoutes: FastifyPluginAsyncTypebox<{ records: PickupRecordStore; followers: RecordFollowers }> = async (api, { records, followers }) => {
  api.get(
    '/domains/:domain/pickups',
    { schema: { tags: ['pickups'], operationId: 'listPickups', summary: "A domain's pickup records, newest first, a page at a time", params: DomainParams, querystring: RecordPageQuery, response: answers({ 200: RecordPage }, 400) } },
    async (request) => {
      const { domain } = request.params;
      refuseParams({ domain: validateDomain(domain) });
      const limit = request.query.limit ?? RECORD_PAGE.default;
      // One more than the page tells whether another page follows.
      const found = await records.recent(domain, limit + 1, request.query.before);
      const page = found.slice(0, limit);
      const next = found.length > limit ? page.at(-1)!.id : null;
      return {
        records: page.map(recordJson),
        next,
        nextUrl: next === null ? null : `${request.url.split('?')[0]}?${new URLSearchParams({ limit: String(limit), before: next }).toString()}`,
      };
    },
  );

  api.get(
    '/domains/:domain/pickups/stream',
    {
      // A HEAD would start a follow too.
      exposeHeadRoute: false,
      schema: {
        tags: ['pickups'],
        operationId: 'followPickups',
        summary: "Follows a domain's pickup records as server-sent events (text/event-stream)",
        description:
          'One `pickup` event per record appended, with `id:` its stream id and `data:` the record as JSON; a comment line every 15 s. Resumes after Last-Event-ID (or `after`); without either, from now on.',
        params: DomainParams,
        querystring: RecordFollowQuery,
        headers: RecordFollowHeaders,
        response: answers({ 200: { description: 'The event stream, until the client or the controller ends it', content: { 'text/event-stream': { schema: { type: 'string' } } } } }, 400),
      },
    },
    async (request, reply) => {
      const { domain } = request.params;
      refuseParams({ domain: validateDomain(domain) });
      // The newest id now rather than "$": a record appended before the first read is not missed.
      const after = request.headers['last-event-id'] ?? request.query.after ?? (await records.recent(domain, 1))[0]?.id ?? '0-0';
      followers.assertRoom();
      reply.hijack();
      followers.stream(reply.raw, domain, after, recordJson);
    },
  );
};

/** A record as JSON: its stream id, every field, and null for a duration not measured (every record has every field). */
function recordJson({ id, record }: StoredPickupRecord): PickupRecordJson {
  return { id, ...record, decisionMs: record.decisionMs ?? null, pickupMs: record.pickupMs ?? null };
}
