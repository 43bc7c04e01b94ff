import { parseArgs } from 'node:util';
import { checkStorageLocation } from '../config/check-storage-location.js';
import { loadConfig } from '../config/load-config.js';
import { isAppError } from '../domain/app-error.js';
import { createLatchkey } from '../services/create-latchkey.js';
import { openStorage } from '../storage/open-storage.js';

const USAGE = `Usage: latchkey <command> [options]

Commands:
  init --org NAME --email EMAIL [--name NAME]
      Create the first organization and its owner, and print an owner API key once.
      The password comes from LATCHKEY_OWNER_PASSWORD or, failing that, from standard input.
      Refuses if the database already holds an organization.
  migrate
      Apply pending database migrations (npm start also does this).

Storage is chosen as for the server: DATABASE_URL, else SQLite in LATCHKEY_DATA_DIR (./data).
From source: npm run latchkey -- <command>; from the build: node dist/cli/main.js <command>.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'init' && command !== 'migrate') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  const config = loadConfig();
  checkStorageLocation(config);
  const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, timeouts: config.storageTimeouts });
  try {
    const applied = await storage.migrate();
    if (command === 'migrate') {
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
      return 0;
    }
    const { values } = parseArgs({ args: rest, options: { org: { type: 'string' }, email: { type: 'string' }, name: { type: 'string' } } });
    if (!values.org || !values.email) {
      process.stderr.write(`init needs --org and --email.\n\n${USAGE}\n`);
      return 2;
    }
    const password = process.env.LATCHKEY_OWNER_PASSWORD ?? (await readStdin());
    if (password.length < 12) {
      process.stderr.write('The owner password must be at least 12 characters.\n');
      return 2;
    }
    const latchkey = createLatchkey(config, storage);
    const result = await latchkey.setup.initialize({ organizationName: values.org, email: values.email, password, ...(values.name ? { name: values.name } : {}) });
    process.stdout.write(
      [
        `Organization ${values.org} (${result.orgId}) created; owner ${values.email} (${result.userId}).`,
        '',
        'Owner API key (shown once, store it now):',
        '',
        `  ${result.ownerKey.secret}`,
        '',
      ].join('\n'),
    );
    await latchkey.stop();
    return 0;
  } catch (error) {
    if (isAppError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await storage.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
