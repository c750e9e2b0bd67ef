/**
 * Exits 0 on SIGINT or SIGTERM, after closing the server once it serves. Armed before the server
 * starts: a signal that arrives while it starts, or right after it printed that it is ready (a
 * supervisor, or a test, may stop it at once), is never met by Node's default action instead.
 */
export function exitOnTermination(): { serving(close: () => Promise<void>): void } {
  let close: (() => Promise<void>) | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await close?.();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    serving(next) {
      close = next;
    },
  };
}
