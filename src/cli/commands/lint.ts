import type { Command } from 'commander';
import { UcspError } from '../../errors/index.js';
import { LAYOUT_RULE, signatureIsLast } from '../../crypto/sign-message.js';
import { readJsonBody } from '../../schemas/strict-json.js';
import { formatDiagnostics, validateMessage } from '../../schemas/validate.js';
import type { Role } from '../../schemas/message-types.js';
import { c, out, printJson } from '../output.js';
import { readInput } from '../read-input.js';
import { InvalidArgumentError } from 'commander';

function parseRole(v: string): Role {
  if (v !== 'request' && v !== 'response') throw new InvalidArgumentError('must be request or response');
  return v;
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('check a message against its schema (PROFILE §3, §5, §6) and print every error; exit 0 valid, 1 invalid')
    .argument('<file>', 'the JSON message, or - for standard input')
    .option('--role <role>', 'request (or notice) / response (or notice answer); inferred when omitted', parseRole)
    .option('--json', 'print the result as one JSON object', false)
    .addHelpText(
      'after',
      `
Examples:
  $ ucsp-sandbox lint order.json
  $ ucsp-sandbox lint answer.json --role response --json`,
    )
    .action(async (file: string, opts: { role?: Role; json: boolean }) => {
      const bytes = await readInput(file);
      let result;
      try {
        const { text, value } = readJsonBody(bytes);
        result = validateMessage(value, { role: opts.role });
        // the layout rule of PROFILE §3 lives in the text, not in the parsed object
        const sig = (value as { certificateSignature?: { signature?: unknown } } | null)?.certificateSignature?.signature;
        if (typeof sig === 'string' && signatureIsLast(text, sig) === false) {
          result = { ...result, valid: false, errors: [...result.errors, { path: 'certificateSignature', rule: 'layout', message: LAYOUT_RULE }] };
        }
      } catch (e) {
        if (!(e instanceof UcspError)) throw e;
        result = { valid: false, errors: [{ path: '(root)', rule: 'json', message: e.message }] };
      }
      if (opts.json) printJson({ file, ...result, responseCode: result.valid ? null : '10' });
      else if (result.valid) out(`${c.green('OK')} ${file}: valid ${result.msgType} ${result.role}`);
      else {
        out(`${c.red('FAIL')} ${file}: ${result.errors.length} error(s)${result.msgType ? ` in ${result.msgType} ${result.role}` : ''} — UCSP would answer 10`);
        for (const line of formatDiagnostics(result.errors)) out(`  ${line}`);
      }
      process.exitCode = result.valid ? 0 : 1;
    });
}
