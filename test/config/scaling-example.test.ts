import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config/config-variables.js';
import { loadConfig } from '../../src/config/load-config.js';

/**
 * examples/scaling is documentation that runs elsewhere (Docker is not on the test machines), so its three files
 * are checked here against each other and against the configuration loader: a renamed variable, a wrong port or
 * an upstream nginx cannot resolve fails this test instead of a reader's first `docker compose up`.
 */
const dir = new URL('../../examples/scaling/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

interface Service {
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: { context: string; dockerfile: string };
  volumes?: string[];
}

const compose = parse(read('compose.yaml')) as { services: Record<string, Service> };
const instances = Object.entries(compose.services).filter(([name]) => name.startsWith('latchkey-'));

describe('examples/scaling', () => {
  it('runs three Latchkey instances whose environment the configuration loader accepts', () => {
    assert.equal(instances.length, 3);
    for (const [name, service] of instances) {
      const env = service.environment ?? {};
      for (const variable of Object.keys(env)) assert.ok(variable in CONFIG_VARIABLES, `${name}: ${variable} is not a configuration variable`);
      const config = loadConfig({ ...env });
      assert.equal(config.host, '0.0.0.0', `${name} must listen beyond its container`);
      assert.match(env.DATABASE_URL ?? '', /^postgres:\/\/.*@postgres:5432\//, `${name} uses the compose PostgreSQL`);
      assert.match(env.REDIS_URL ?? '', /^redis:\/\/redis:6379/, `${name} uses the compose Redis`);
      assert.deepEqual(Object.keys(service.depends_on ?? {}).sort(), ['postgres', 'redis']);
      assert.ok(service.healthcheck?.test.join(' ').includes(`127.0.0.1:${env.PORT}/readyz`), `${name}'s health check asks its own /readyz`);
      assert.equal(service.build?.dockerfile, 'examples/scaling/Dockerfile');
    }
  });

  it('has nginx balance exactly those instances on the port they listen on, and publish its own', () => {
    const nginx = read('nginx.conf');
    const upstreams = [...nginx.matchAll(/^\s*server\s+([a-z0-9-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
    assert.deepEqual(upstreams, instances.map(([name, service]) => `${name}:${service.environment?.PORT}`).sort());
    const listen = /^\s*listen\s+(\d+);/m.exec(nginx)?.[1];
    assert.deepEqual(compose.services.nginx?.ports, [`${listen}:${listen}`]);
    assert.ok(compose.services.nginx?.volumes?.some((v) => v.startsWith('./nginx.conf:')), 'the compose file mounts this nginx.conf');
    assert.deepEqual(Object.keys(compose.services.nginx?.depends_on ?? {}).sort(), instances.map(([name]) => name).sort());
  });

  it('builds the image the README\'s production start describes', () => {
    const dockerfile = read('Dockerfile');
    assert.match(dockerfile, /^CMD \["node", "dist\/main\.js"\]$/m);
    assert.match(dockerfile, /npm prune --omit=dev/);
    const port = instances[0]![1].environment?.PORT;
    assert.match(dockerfile, new RegExp(`^EXPOSE ${port}$`, 'm'));
  });
});
