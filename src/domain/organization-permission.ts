/** A permission name an organization declared for its own API, beside those the deployment declares. */
export interface OrganizationPermission {
  orgId: string;
  name: string;
  description: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
