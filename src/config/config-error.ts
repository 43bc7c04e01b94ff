/**
 * A setting Latchkey cannot use. Its message is the one line printed at start: the variable, the value (hidden for
 * secrets) and what the variable accepts, so a typo is found without reading code.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    shownValue: string,
    readonly accepts: string,
    problem = 'is not accepted',
  ) {
    super(`Invalid ${variable}=${shownValue}: ${problem}. Accepted: ${accepts}.`);
    this.name = 'ConfigError';
  }
}
