/**
 * Whatever a run starts registers its teardown here. Ctrl-C (SIGINT), SIGTERM and uncaught errors run every
 * teardown before the process exits (130 / 143 / 1), so no container is left behind.
 */
type Teardown = () => Promise<unknown>;

const teardowns = new Set<Teardown>();
const TEARDOWN_TIMEOUT_MS = 20_000;
let installed = false;
let exiting = false;

export function onTeardown(teardown: Teardown): () => void {
  teardowns.add(teardown);
  return () => teardowns.delete(teardown);
}

let inFlight: Promise<void> | undefined;

/** Runs every registered teardown once, newest first; a second caller waits for the same run to finish. */
export function runTeardowns(): Promise<void> {
  inFlight ??= runAll().finally(() => (inFlight = undefined));
  return inFlight;
}

async function runAll(): Promise<void> {
  while (teardowns.size > 0) {
    const pending = [...teardowns].reverse();
    teardowns.clear();
    for (const teardown of pending) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        teardown().catch((err) => process.stderr.write(`knockknock: cleanup failed: ${(err as Error).message}\n`)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, TEARDOWN_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
  }
}

/** True once a signal or an uncaught error has started the exit: that path sets the exit code. */
export function exitInProgress(): boolean {
  return exiting;
}

export function installExitHandlers(): void {
  if (installed) return;
  installed = true;
  const exitAfterTeardown = (code: number, why: string) => {
    if (exiting) {
      process.stderr.write(`knockknock: ${why} again during cleanup, still cleaning up\n`);
      return;
    }
    exiting = true;
    process.stderr.write(`\nknockknock: ${why}, stopping the homeserver under test…\n`);
    void runTeardowns().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => exitAfterTeardown(130, 'interrupted (SIGINT)'));
  process.on('SIGTERM', () => exitAfterTeardown(143, 'terminated (SIGTERM)'));
  process.on('SIGHUP', () => exitAfterTeardown(129, 'hung up (SIGHUP)'));
  // `knockknock run | head`: the reader went away. Writing on would throw EPIPE from inside a reporter.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') exitAfterTeardown(141, 'output closed (EPIPE)');
    });
  }
  // While mocha runs it owns uncaught errors (it fails the current test); act only when nobody else listens.
  process.on('uncaughtException', (err) => {
    if (process.listenerCount('uncaughtException') > 1) return;
    process.stderr.write(`knockknock: uncaught error: ${err.stack ?? err.message}\n`);
    exitAfterTeardown(1, 'uncaught error');
  });
  process.on('unhandledRejection', (reason) => {
    if (process.listenerCount('unhandledRejection') > 1) return;
    process.stderr.write(`knockknock: unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}\n`);
    exitAfterTeardown(1, 'unhandled rejection');
  });
}
