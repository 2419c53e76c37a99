// The dashboard API's own OpenAPI 3.1 document (GET /dashboard/api/openapi.json), built from the
// route schemas of /dashboard/api like /v1/api-docs is from the partner routes; the partner API
// reference leaves these routes out (schema.hide). Authentication is the session cookie plus the
// x-csrf-token header on writes.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, RouteOptions } from 'fastify';

type Json = Record<string, unknown>;

const toPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');

/** Rewrites `{ $ref: 'Id' }` to the components path and collects the ids used. */
function refs(schema: unknown, used: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => refs(s, used));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) {
      used.add(v);
      out.$ref = `#/components/schemas/${v}`;
    } else if (k !== '$id') out[k] = refs(v, used);
  }
  return out;
}

function parameters(schema: TSchema | undefined, where: 'path' | 'query', used: Set<string>): Json[] {
  const props = (schema as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {};
  const required = new Set((schema as { required?: string[] } | undefined)?.required ?? []);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: refs(s, used),
    ...(s.description ? { description: s.description } : {}),
  }));
}

function operation(route: RouteOptions, used: Set<string>): Json {
  const s = (route.schema ?? {}) as Json & { response?: Record<string, TSchema> };
  const responses: Json = {};
  for (const [status, schema] of Object.entries(s.response ?? {})) {
    responses[status] =
      (schema as Json).type === 'null'
        ? { description: 'No content' }
        : { description: 'OK', content: { 'application/json': { schema: refs(schema, used) } } };
  }
  if (Object.keys(responses).length === 0) responses['200'] = { description: 'OK' };
  const access = route.config && (route.config as { dashboard?: string }).dashboard;
  return {
    summary: s.summary,
    ...(s.description ? { description: s.description } : {}),
    tags: ['Dashboard'],
    parameters: [
      ...parameters(s.params as TSchema | undefined, 'path', used),
      ...parameters(s.querystring as TSchema | undefined, 'query', used),
    ],
    ...(s.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: refs(s.body, used) } } } }
      : {}),
    responses: {
      ...responses,
      default: {
        description: 'An error: { createTime, message, code, data }',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    },
    ...(access === 'public' ? { security: [] } : {}),
    'x-dashboard-access': access,
  };
}

export function dashboardOpenApi(app: FastifyInstance, routes: RouteOptions[], serverUrl: string): Json {
  const used = new Set<string>(['Error']);
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const path = toPath(route.url);
    paths[path] ??= {};
    for (const m of methods) paths[path][m.toLowerCase()] = operation(route, used);
  }
  const all = app.getSchemas() as Record<string, TSchema>;
  const components: Record<string, unknown> = {};
  // Referenced components may reference others: resolve until nothing new turns up.
  for (let added = true; added; ) {
    added = false;
    for (const id of [...used]) {
      if (components[id] || !all[id]) continue;
      components[id] = refs(all[id], used);
      added = true;
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'onramp — partner dashboard API',
      version: '1.0.0',
      description:
        "The API behind /dashboard (docs/dashboard.md). A browser session: the HttpOnly cookie set by sign-in, and the session's CSRF token (GET /dashboard/api/session) in `x-csrf-token` on every write. Not for server-to-server use: partners integrate with /v1.",
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas: components,
      securitySchemes: { dashboardSession: { type: 'apiKey', in: 'cookie', name: 'onramp_dashboard' } },
    },
    security: [{ dashboardSession: [] }],
    paths,
  };
}
