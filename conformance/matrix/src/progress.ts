/**
 * Progress on stderr. On a terminal, one line rewritten in place; in a log (CI), one line per
 * backend when it finishes, so the log stays readable.
 */
export interface Progress {
  start(label: string): void;
  update(label: string, done: number, total: number, name: string): void;
  finish(label: string, line: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, enabled = true): Progress {
  const live = enabled && stream.isTTY === true;
  let last = 0;
  const clear = () => {
    if (live) stream.write('\r\x1b[2K');
  };
  return {
    start(label) {
      if (live) stream.write(`\r\x1b[2K${label}: starting...`);
    },
    update(label, done, total, name) {
      if (!live) return;
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = (stream.columns ?? 100) - label.length - 20;
      stream.write(`\r\x1b[2K${label}: ${done}/${total} ${name.slice(0, Math.max(0, width))}`);
    },
    finish(_label, line) {
      if (!enabled) return;
      clear();
      stream.write(`${line}\n`);
    },
  };
}
