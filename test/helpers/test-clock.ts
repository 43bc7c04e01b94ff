/** A clock tests move by hand, so expiry and grace periods are asserted without sleeping. */
export class TestClock {
  constructor(private current = Date.UTC(2026, 0, 1, 12, 0, 0)) {}

  now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }
}
