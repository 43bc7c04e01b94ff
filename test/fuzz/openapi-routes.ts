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

/** Every operation in the app's OpenAPI document, read afresh so routes added later are covered too. */
export function routesOf(document: unknown): RouteSpec[] {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  const routes: RouteSpec[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = (where: string): Param[] =>
        (operation.parameters ?? []).filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema ?? {}, required: p.required === true }));
      const json = operation.requestBody?.content?.['application/json']?.schema;
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
