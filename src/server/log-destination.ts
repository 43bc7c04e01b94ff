import pino from 'pino';

/** Bytes gathered before a write, and the longest a line waits when fewer have gathered. */
const BUFFER_BYTES = 4096;
const FLUSH_EVERY_MS = 100;

export interface LogDestination {
  stream: pino.DestinationStream;
  /** Writes what is buffered, synchronously, and stops the timer; for the app's close. */
  close(): void;
}

/**
 * Standard output, written in blocks rather than one system call per line: at the default level every request
 * writes a line, and a synchronous write per line was a large share of a verification's server time. A line waits
 * at most FLUSH_EVERY_MS (so a reader tailing the output, or a test waiting for the start-up line, sees it almost
 * at once), the app's close writes what is left, and pino writes the rest synchronously when the process exits,
 * after an uncaught error too. Only a process killed outright (SIGKILL, power loss) loses the last ~100 ms of lines.
 */
export function bufferedStdout(): LogDestination {
  const stream = pino.destination({ dest: 1, sync: false, minLength: BUFFER_BYTES });
  const timer = setInterval(() => {
    // A write still in flight is finished by its own callback; flush() would throw while the stream is not ready.
    try {
      stream.flush();
    } catch {
      // Not ready yet (opening) or already closed; the next tick or the exit handler writes it.
    }
  }, FLUSH_EVERY_MS);
  timer.unref();
  return {
    stream,
    close() {
      clearInterval(timer);
      try {
        stream.flushSync();
      } catch {
        // A write in flight completes on its own; pino's exit handler writes anything after it.
      }
    },
  };
}
