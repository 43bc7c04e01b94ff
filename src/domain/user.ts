/** A person's account, which may belong to several organizations (see Membership). */
export interface User {
  id: string;
  /** Lowercased. */
  email: string;
  name: string;
  /** The encoded scrypt hash (password-hash.ts), never the password. */
  passwordHash: string;
  /** Epoch milliseconds. */
  createdAt: number;
}
