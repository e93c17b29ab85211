/**
 * The CLI builds only the command its command line names (main.ts, COMMANDS): for each command,
 * that program must be the full one as far as the command goes — the same help, options,
 * arguments and subcommands.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.js';

/** What a user sees of a command and all of its subcommands. */
function shape(cmd: Command): unknown {
  return {
    help: cmd.helpInformation(),
    options: cmd.options.map((o) => [o.flags, o.description, o.defaultValue]),
    subcommands: cmd.commands.map(shape),
  };
}

describe('buildProgram(only)', () => {
  const full = buildProgram();
  const names = full.commands.map((c) => c.name());

  it('knows every command of the full program', () => {
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(buildProgram(name).commands.map((c) => c.name())).toEqual([name]);
  });

  it.each(names)('%s: the same help, options and subcommands as in the full program', (name) => {
    const alone = buildProgram(name).commands[0]!;
    expect(shape(alone)).toEqual(shape(full.commands.find((c) => c.name() === name)!));
    expect(buildProgram(name).options.map((o) => o.flags)).toEqual(full.options.map((o) => o.flags));
  });
});
