/** Latchkey's own permissions, always in the catalog beside the ones a deployment declares for its API. */
export const MANAGEMENT_PERMISSIONS: Record<string, string> = {
  'latchkey:keys:read': 'List and read organization API keys.',
  'latchkey:keys:write': 'Create, change, roll, disable, revoke and delete organization API keys.',
  'latchkey:keys:verify': 'Verify keys of this organization through POST /v1/keys/verify.',
  'latchkey:tokens:read': 'List and read your own personal access tokens.',
  'latchkey:tokens:write': 'Create, change and delete your own personal access tokens.',
  'latchkey:tokens:admin': "List and manage every member's personal access tokens.",
  'latchkey:oauth:read': 'List and read OAuth applications, per-user client credentials and every grant.',
  'latchkey:oauth:write': 'Register, change, disable and delete OAuth applications and per-user client credentials.',
  'latchkey:projects:read': 'List and read projects.',
  'latchkey:projects:write': 'Create, rename and delete projects.',
  'latchkey:members:read': 'List members and their roles.',
  'latchkey:members:write': 'Add members, change their roles and remove them.',
  'latchkey:audit:read': 'Read the audit log.',
  'latchkey:permissions:read': 'Read the permission catalog.',
  'latchkey:permissions:write': 'Declare and remove permissions of the protected API.',
};
