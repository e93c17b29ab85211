/** Waits for Ctrl-C or SIGTERM; a second signal exits at once. Resolves to the exit code (130/143). */
export function untilSignal(): Promise<number> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (code: number) => () => {
      if (seen) process.exit(code);
      seen = true;
      resolve(code);
    };
    process.on('SIGINT', on(130));
    process.on('SIGTERM', on(143));
  });
}
