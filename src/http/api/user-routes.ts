import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { behaviourOf, EMPTY_PREFERENCES, type UserPreferences } from '../../domain/preferences.ts';
import { usersNamed, validateUserChanges } from '../../domain/user-changes.ts';
import { type InputField, type UserInput, validateUserInput } from '../../domain/user-input.ts';
import { formatUserRef, type UserRef, validateDomain } from '../../domain/users.ts';
import type { PreferenceStore, RevisedPreferences } from '../../store/preference-store.ts';
import { InvalidInputError, UserNotConfiguredError } from './errors.ts';
import { invalidInput, placed, refuseParams } from './problems.ts';
import { answers } from './responses.ts';
import { API_PREFERENCE_FIELDS, type ApiPreferenceField, BulkBody, DomainParams, User, UserBody, UserList, UserPage, UserPageQuery, UserParams, USER_PAGE } from './schemas.ts';

/** A bulk change's body may be this large (the API's other routes take 64 KB): 10,000 changes of ~100 bytes. */
export const BULK_BODY_LIMIT = 1024 * 1024;

/**
 * Users' preferences: read, replace (PUT), change (PATCH), delete one; list a domain's, a page at a time; change
 * many at once, all or nothing. Input is checked by the rules and messages of pickupctl (src/domain), every problem
 * of every user at once, and nothing is written unless all of it is valid.
 */
export const userRoutes: FastifyPluginAsyncTypebox<{ store: PreferenceStore }> = async (api, { store }) => {
  api.get(
    '/users/:user',
    { schema: { tags: ['users'], operationId: 'getUser', summary: "A user's preferences (404 while the user has the defaults)", params: UserParams, response: answers({ 200: User }, 400, 404) } },
    async (request) => userJson(...(await configured(store, request.params.user))),
  );

  api.put(
    '/users/:user',
    { schema: { tags: ['users'], operationId: 'replaceUser', summary: "Replaces a user's preferences: a field left out gets its default", params: UserParams, body: UserBody, response: answers({ 200: User }, 400, 413, 415) } },
    async (request) => {
      const change = { ...inputOf(request.body), user: request.params.user };
      // Checked over the defaults: whatever the body leaves out is reset.
      return (await write(store, [change], oneUserPath, () => EMPTY_PREFERENCES))[0]!;
    },
  );

  api.patch(
    '/users/:user',
    { schema: { tags: ['users'], operationId: 'changeUser', summary: "Changes the fields given of a user's preferences (like pickupctl set)", params: UserParams, body: UserBody, response: answers({ 200: User }, 400, 413, 415) } },
    async (request) => (await write(store, [{ ...inputOf(request.body), user: request.params.user }], oneUserPath))[0]!,
  );

  api.delete(
    '/users/:user',
    { schema: { tags: ['users'], operationId: 'deleteUser', summary: "Deletes a user's preferences: back to the defaults (like pickupctl clear)", params: UserParams, response: answers({ 204: { type: 'null', description: 'Deleted' } }, 400, 404) } },
    async (request, reply) => {
      const [user] = await configured(store, request.params.user);
      await store.setMany([{ user, preferences: EMPTY_PREFERENCES }]);
      await reply.code(204).send();
    },
  );

  api.patch(
    '/users',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['users'],
        operationId: 'changeUsers',
        summary: 'Changes many users at once, all or nothing (like pickupctl set with several users, or import)',
        body: BulkBody,
        response: answers({ 200: UserList }, 400, 413, 415),
      },
    },
    async (request) => ({ users: await write(store, request.body.users.map(inputOf), (field, index) => `body.users[${index}].${field}`) }),
  );

  api.get(
    '/domains/:domain/users',
    { schema: { tags: ['users'], operationId: 'listUsers', summary: "A domain's configured users, a page at a time, in extension order", params: DomainParams, querystring: UserPageQuery, response: answers({ 200: UserPage }, 400) } },
    async (request) => {
      const { domain } = request.params;
      refuseParams({ domain: validateDomain(domain) });
      const limit = request.query.limit ?? USER_PAGE.default;
      const page = await store.page(domain, limit, request.query.after);
      return {
        users: page.users.map(({ extension, ...stored }) => userJson({ extension, domain }, stored)),
        next: page.next ?? null,
        nextUrl: page.next === undefined ? null : `${request.url.split('?')[0]}?${new URLSearchParams({ limit: String(limit), after: page.next }).toString()}`,
      };
    },
  );
};

/** Where a problem of a one-user request is: the user in the path, the fields in the body. */
function oneUserPath(field: InputField): string {
  return field === 'user' ? 'params.user' : `body.${field}`;
}

/**
 * Checks the changes over `current` (by default what the users have now) — every problem of every change, each
 * placed by `where` — then writes all of them or none (one transaction per domain). Resolves with each user changed,
 * as stored now.
 */
async function write(
  store: PreferenceStore,
  changes: readonly UserInput[],
  where: (field: InputField, index: number) => string,
  current?: (user: UserRef) => UserPreferences,
): Promise<User[]> {
  const result = validateUserChanges(changes, current ?? (await store.currentOf(usersNamed(changes))));
  if (!result.ok) throw new InvalidInputError(result.rejected.flatMap(({ index, problems }) => placed(problems, (field) => where(field, index))));
  await store.setMany(result.changes);
  const users = [...new Map(result.changes.map(({ user }) => [formatUserRef(user), user])).values()];
  const stored = await store.getRevised(users);
  return users.map((user, i) => userJson(user, stored[i]!));
}

/** The user named in the path and what it has stored: 400 for a malformed name, 404 while it has nothing stored. */
async function configured(store: PreferenceStore, name: string): Promise<[UserRef, RevisedPreferences]> {
  const result = validateUserInput({ user: name });
  if (!result.ok) throw invalidInput(result.problems, oneUserPath);
  const [stored] = await store.getRevised([result.user]);
  if (stored!.revision === '') throw new UserNotConfiguredError(name);
  return [result.user, stored!];
}

/** A user as the API shows it, from what the store holds (a user with no revision has nothing stored). */
function userJson(user: UserRef, stored: RevisedPreferences): User {
  return { user: formatUserRef(user), configured: stored.revision !== '', behaviour: behaviourOf(stored.preferences), ...shown(stored.preferences) };
}

/** The preferences as the API shows them (schemas.ts checks they are the domain's); the frozen lists are only read by the serialiser. */
function shown(preferences: UserPreferences): Pick<User, ApiPreferenceField> {
  return Object.fromEntries(API_PREFERENCE_FIELDS.map((field) => [field, preferences[field]])) as Pick<User, ApiPreferenceField>;
}

/** JSON fields as the domain's input has them: a list as one comma-separated string, the others as they are. */
type InputOf<T> = { [K in keyof T]: T[K] extends readonly string[] | undefined ? string | Extract<T[K], undefined> : T[K] };

/** JSON fields as the domain's input reads them: a list joined with "," (as pickupctl takes it), the rest as given. */
function inputOf<T extends object>(json: T): InputOf<T> {
  return Object.fromEntries(Object.entries(json).map(([field, value]) => [field, Array.isArray(value) ? value.join(',') : value])) as InputOf<T>;
}
