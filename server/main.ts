// `npm start`: run the server in the foreground until SIGTERM, SIGINT or SIGHUP, then stop gracefully.
import { CatalogError } from './catalog.js';
import { readSettings, SettingsError } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  const settings = readSettings();
  const server = await startServer(settings, { stdoutIsTTY: process.stdout.isTTY === true });
  if (settings.LOG_LEVEL !== 'silent') console.log(server.summary.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), settings.ABL_SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // a closed terminal: stop as gracefully as asked to (Node's default would end the process at once)
  process.on('SIGHUP', () => stop('SIGHUP'));
}

main().catch((err: unknown) => {
  if (err instanceof SettingsError || err instanceof CatalogError) {
    console.error(err.message);
  } else {
    console.error('failed to start:', err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
