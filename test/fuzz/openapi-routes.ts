/** The subset of JSON Schema the route schemas use, as the OpenAPI document carries it. */
export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  default?: unknown;
  $ref?: string;
}

export interface Param {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export interface RouteSpec {
  method: string;
  /** OpenAPI form: `/v1/keys/{id}`. */
  path: string;
  pathParams: Param[];
  query: Param[];
  /** The JSON body schema, or null when the route declares none. */
  body: { schema: JsonSchema; required: boolean } | null;
}

interface Operation {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: JsonSchema }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

const COMPONENT = '#/components/schemas/';

/**
 * The schema with every reference to a named component replaced by the component itself, so the fuzzer sees
 * the constraints a request body really has (bodies are named components, referenced from the operation).
 */
function inlineRefs(schema: JsonSchema, components: Record<string, JsonSchema>, seen: readonly string[] = []): JsonSchema {
  if (schema.$ref?.startsWith(COMPONENT)) {
    const name = schema.$ref.slice(COMPONENT.length);
    const target = components[name];
    if (!target || seen.includes(name)) return schema;
    const { $ref: _ref, ...siblings } = schema;
    return inlineRefs({ ...target, ...siblings }, components, [...seen, name]);
  }
  const out: JsonSchema = { ...schema };
  const inline = (s: JsonSchema) => inlineRefs(s, components, seen);
  if (schema.anyOf) out.anyOf = schema.anyOf.map(inline);
  if (schema.oneOf) out.oneOf = schema.oneOf.map(inline);
  if (schema.allOf) out.allOf = schema.allOf.map(inline);
  if (schema.items) out.items = inline(schema.items);
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, inline(v)]));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.additionalProperties = inline(schema.additionalProperties);
  return out;
}

/** Every operation in the app's OpenAPI document, read afresh so routes added later are covered too. */
export function routesOf(document: unknown): RouteSpec[] {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  const components = (document as { components?: { schemas?: Record<string, JsonSchema> } }).components?.schemas ?? {};
  const routes: RouteSpec[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (where: string): Param[] =>
        (operation.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, schema: inlineRefs(p.schema ?? {}, components), required: p.required === true }));
      const declared = operation.requestBody?.content?.['application/json']?.schema;
      const json = declared ? inlineRefs(declared, components) : undefined;
      routes.push({
        method: method.toUpperCase(),
        path,
        pathParams: params('path'),
        query: params('query'),
        body: json ? { schema: json, required: operation.requestBody?.required === true } : null,
      });
    }
  }
  return routes;
}
