import { ConfigError } from '../../src/config/config-error.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { tokenFormatConfig } from '../../src/config/token-format-config.js';

describe('token format configuration', () => {
  it('defaults to lk with a type segment and Kriten\'s API off', () => {
    assert.deepEqual(tokenFormatConfig({}), { keyPrefix: 'lk', tokenFormat: { prefix: 'lk', typeSegment: true }, kritenApi: false });
  });

  it('matches every seed: KXTK and kri without a type segment, qx and qtrl with one', () => {
    assert.deepEqual(tokenFormatConfig({ LATCHKEY_KEY_PREFIX: 'KXTK', LATCHKEY_TOKEN_TYPE_SEGMENT: 'off' }).tokenFormat, { prefix: 'KXTK', typeSegment: false });
    assert.deepEqual(tokenFormatConfig({ LATCHKEY_KEY_PREFIX: 'kri', LATCHKEY_TOKEN_TYPE_SEGMENT: 'false', LATCHKEY_KRITEN_API: 'on' }), { keyPrefix: 'kri', tokenFormat: { prefix: 'kri', typeSegment: false }, kritenApi: true });
    for (const prefix of ['qx', 'qtrl']) assert.deepEqual(tokenFormatConfig({ LATCHKEY_KEY_PREFIX: prefix, LATCHKEY_TOKEN_TYPE_SEGMENT: 'on' }).tokenFormat, { prefix, typeSegment: true });
  });

  it('a bad value stops with a message naming the variable', () => {
    for (const [env, variable] of [
      [{ LATCHKEY_KEY_PREFIX: 'qx_' }, 'LATCHKEY_KEY_PREFIX'],
      [{ LATCHKEY_KEY_PREFIX: '1lk' }, 'LATCHKEY_KEY_PREFIX'],
      [{ LATCHKEY_KEY_PREFIX: 'a'.repeat(17) }, 'LATCHKEY_KEY_PREFIX'],
      [{ LATCHKEY_KEY_PREFIX: 'KEY' }, 'LATCHKEY_KEY_PREFIX'],
      [{ LATCHKEY_KEY_PREFIX: 'prj' }, 'LATCHKEY_KEY_PREFIX'],
      [{ LATCHKEY_TOKEN_TYPE_SEGMENT: 'yes' }, 'LATCHKEY_TOKEN_TYPE_SEGMENT'],
      [{ LATCHKEY_KRITEN_API: 'enabled' }, 'LATCHKEY_KRITEN_API'],
    ] as const) {
      assert.throws(() => tokenFormatConfig(env), (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(`Invalid ${variable}=`), JSON.stringify(env));
    }
  });

  it('the loader carries the format; Kriten\'s API turns on the Token header unless another is named', () => {
    const config = loadConfig({ LATCHKEY_KEY_PREFIX: 'KXTK', LATCHKEY_TOKEN_TYPE_SEGMENT: 'off' });
    assert.deepEqual([config.keyPrefix, config.tokenFormat, config.kritenApi, config.extraAuthHeader], ['KXTK', { prefix: 'KXTK', typeSegment: false }, false, undefined]);
    assert.equal(loadConfig({ LATCHKEY_KRITEN_API: 'on' }).extraAuthHeader, 'token');
    assert.equal(loadConfig({ LATCHKEY_KRITEN_API: 'on', LATCHKEY_AUTH_HEADER: 'X-Kriten' }).extraAuthHeader, 'x-kriten');
  });
});
