/** "1 client credential", "2,000 client credentials": the count every confirmation states. */
export function countCredentials(n: number): string {
  return n === 1 ? '1 client credential' : `${n.toLocaleString()} client credentials`;
}
