/**
 * /api/v1/openapi.json: a valid OpenAPI 3.1 document (its structure, every schema a valid JSON Schema 2020-12 per
 * ajv's meta-schema, every $ref resolvable), with the bearer security scheme, describing exactly the routes the
 * application registered under /api/v1.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/http/api/admin-api.ts';
import { type ApiBed, startApiBed } from './api-app.ts';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The parts of an OpenAPI 3.1 document's structure that the document uses, written from the specification. */
const OPENAPI_31_STRUCTURE = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+(-.+)?$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' }, description: { type: 'string' } } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'summary', 'description', 'parameters', 'servers', '$ref'] },
        patternProperties: { [`^(${METHODS.join('|')})$`]: { $ref: '#/$defs/operation' } },
      },
    },
    components: { type: 'object', properties: { securitySchemes: { type: 'object', additionalProperties: { $ref: '#/$defs/securityScheme' } }, schemas: { type: 'object' } } },
    security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
    tags: { type: 'array', items: { type: 'object', required: ['name'] } },
  },
  patternProperties: { '^x-': {} },
  additionalProperties: false,
  $defs: {
    operation: {
      type: 'object',
      required: ['responses'],
      properties: {
        operationId: { type: 'string' },
        summary: { type: 'string' },
        description: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: { type: 'object', required: ['content'], properties: { content: { $ref: '#/$defs/content' }, required: { type: 'boolean' } } },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default)$' },
          additionalProperties: {
            type: 'object',
            required: ['description'],
            properties: { description: { type: 'string' }, content: { $ref: '#/$defs/content' }, headers: { type: 'object' } },
            additionalProperties: false,
          },
        },
        security: { type: 'array' },
      },
      patternProperties: { '^x-': {} },
      additionalProperties: false,
    },
    parameter: {
      type: 'object',
      required: ['name', 'in'],
      properties: {
        name: { type: 'string' },
        in: { enum: ['query', 'header', 'path', 'cookie'] },
        required: { type: 'boolean' },
        description: { type: 'string' },
        schema: { type: 'object' },
      },
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    content: { type: 'object', propertyNames: { pattern: '^[a-z]+/[a-z0-9.+-]+$' }, additionalProperties: { type: 'object', properties: { schema: { type: ['object', 'boolean'] } } } },
    securityScheme: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] } },
      if: { properties: { type: { const: 'http' } } },
      then: { required: ['scheme'] },
    },
  },
};

let bed: ApiBed;
let document: Json;

beforeAll(async () => {
  bed = await startApiBed();
  const response = await bed.call({ method: 'GET', url: `${API_PREFIX}/openapi.json` });
  expect(response.statusCode).toBe(200);
  document = response.json();
});

afterAll(() => bed?.close());

/** Every operation of the document: path, method and the operation object. */
function operations(): Array<{ path: string; method: string; operation: Json }> {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => method in item).map((method) => ({ path, method, operation: item[method] as Json })),
  );
}

/** Every JSON Schema in the document: parameters', bodies' and responses'. */
function schemas(): Array<{ where: string; schema: unknown }> {
  return operations().flatMap(({ path, method, operation }) => {
    const where = `${method.toUpperCase()} ${path}`;
    const parameters = ((operation.parameters ?? []) as Json[]).map((parameter) => ({ where: `${where} parameter ${String(parameter.name)}`, schema: parameter.schema }));
    const contents = [
      ...Object.entries(((operation.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>).map(([type, media]) => ({ where: `${where} body ${type}`, schema: media.schema })),
      ...Object.entries(operation.responses as Record<string, Json>).flatMap(([status, response]) =>
        Object.entries((response.content ?? {}) as Record<string, Json>).map(([type, media]) => ({ where: `${where} ${status} ${type}`, schema: media.schema })),
      ),
    ];
    return [...parameters, ...contents];
  });
}

/** Every value of a key named `$ref`, anywhere in the document. */
function refs(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : refs(inner)));
}

function resolves(pointer: string): boolean {
  if (!pointer.startsWith('#/')) return false;
  let at: unknown = document;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null || !(key in at)) return false;
    at = (at as Json)[key];
  }
  return true;
}

describe('the OpenAPI document', () => {
  it('has the structure of an OpenAPI 3.1 document: every operation has responses, each with a description', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const valid = ajv.validate(OPENAPI_31_STRUCTURE, document);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(operations().length).toBeGreaterThan(10);
    // The check bites: an operation without responses, or a response without a description, is refused.
    const [path, item] = Object.entries(document.paths as Record<string, Json>)[0]!;
    const method = METHODS.find((name) => name in item)!;
    const broken = (operation: Json): Json => ({ ...document, paths: { [path]: { [method]: operation } } });
    expect(ajv.validate(OPENAPI_31_STRUCTURE, broken({ operationId: 'x' }))).toBe(false);
    expect(ajv.validate(OPENAPI_31_STRUCTURE, broken({ responses: { 200: { content: {} } } }))).toBe(false);
  });

  it('has only valid JSON Schemas (2020-12, the dialect of OpenAPI 3.1) and every $ref resolves', () => {
    const ajv = new Ajv2020({ strict: false });
    const found = schemas();
    expect(found.length).toBeGreaterThan(30);
    const invalid = found.filter(({ schema }) => !ajv.validateSchema(schema as object)).map(({ where }) => `${where}: ${ajv.errorsText(ajv.errors)}`);
    expect(invalid).toEqual([]);
    expect(refs(document).filter((ref) => !resolves(ref))).toEqual([]);
  });

  it('requires the bearer token everywhere', () => {
    expect(document.components).toMatchObject({ securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer' } } });
    expect(document.security).toEqual([{ bearerToken: [] }]);
    for (const { operation } of operations()) {
      expect(operation.responses).toHaveProperty('401');
      expect(operation.responses).toHaveProperty('403');
    }
  });

  it('declares every path parameter of every path, and unique operation ids', () => {
    for (const { path, method, operation } of operations()) {
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      const declared = ((operation.parameters ?? []) as Json[]).filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name).sort();
      expect(declared, `${method} ${path}`).toEqual(templated);
    }
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes exactly the routes registered under /api/v1 (HEAD, implied by every GET, aside)', () => {
    const documented = operations().map(({ path, method }) => `${method.toUpperCase()} ${path}`).sort();
    const registered = [
      ...new Set(
        bed.routes
          .filter(({ url, method }) => url.startsWith(`${API_PREFIX}/`) && method !== 'HEAD')
          .map(({ method, url }) => `${method} ${url.replace(/:([A-Za-z]+)/g, '{$1}')}`),
      ),
    ].sort();
    expect(documented).toEqual(registered);
    // Nothing outside the API: the health endpoints and the board are not in it.
    expect(Object.keys(document.paths as Json).every((path) => path.startsWith(`${API_PREFIX}/`))).toBe(true);
  });
});
