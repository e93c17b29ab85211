/** Terminal output: colour only on a TTY without NO_COLOR/TERM=dumb; human text to stderr or stdout. */
import chalk, { Chalk } from 'chalk';
import type { Paint } from '../journal/log-line.js';

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

/** Whether text for people on stderr may be coloured: a TTY, no NO_COLOR, no TERM=dumb, no --no-color. */
export function stderrColour(color: boolean | undefined): boolean {
  return color !== false && (process.env.NO_COLOR === undefined || process.env.NO_COLOR === '') && process.env.TERM !== 'dumb' && process.stderr.isTTY === true;
}

/** Colours for a log line (log-line.ts), on or off. */
export function paintFor(colour: boolean): Paint {
  const k = new Chalk({ level: colour ? 1 : 0 });
  return { dim: k.dim, red: k.red, green: k.green, yellow: k.yellow, cyan: k.cyan, bold: k.bold };
}
