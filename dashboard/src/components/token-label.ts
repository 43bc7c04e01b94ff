import type { KeyView } from '../api/types.js';

/** How a member tells tokens apart: the description they gave, else the name. */
export const tokenLabel = (token: KeyView): string => token.description || token.name;
