/** Epoch milliseconds. A port so tests can substitute a clock they control; production reads the system clock. */
export type Clock = () => number;
