/** A tenant: everything else (members, projects, keys, audit events) belongs to exactly one organization. */
export interface Organization {
  id: string;
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
