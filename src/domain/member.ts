import type { Membership } from './membership.js';

/** A membership as an organization sees it: with the user's email and name, and nothing else of their account. */
export interface Member extends Membership {
  email: string;
  name: string;
}
