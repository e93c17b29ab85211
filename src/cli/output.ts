/** Terminal output: colour only on a TTY without NO_COLOR/TERM=dumb; human text to stderr or stdout. */
import chalk from 'chalk';

export function configureColour(options: { json?: boolean; color?: boolean } = {}): void {
  const noColour =
    options.json === true ||
    options.color === false ||
    (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') ||
    process.env.TERM === 'dumb' ||
    !process.stdout.isTTY;
  if (noColour) chalk.level = 0;
}

export const c = chalk;

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function err(line = ''): void {
  process.stderr.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
