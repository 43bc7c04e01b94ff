/** A project: a partition of an organization's keys. */
export interface Project {
  id: string;
  orgId: string;
  name: string;
  description: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}
