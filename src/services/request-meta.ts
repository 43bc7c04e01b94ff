/** What a service needs to know about the request it serves, for the audit trail; nothing else of HTTP. */
export interface RequestMeta {
  ip: string | null;
  requestId: string | null;
}

export const NO_REQUEST: RequestMeta = { ip: null, requestId: null };
