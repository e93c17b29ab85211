import type { Command } from 'commander';
import { loadSigner, signMessage, type SignatureVariant } from '../../crypto/index.js';
import { UcspError } from '../../errors/index.js';
import { readJsonBody } from '../../schemas/strict-json.js';
import { parseVariant } from '../options.js';
import { readInput } from '../read-input.js';

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign a JSON message (PROFILE §4) and print exactly the text to send')
    .argument('<file>', 'the JSON message, or - for standard input')
    .requiredOption('--key <file>', 'private key: PEM, or PKCS#12 (then --cert is optional)')
    .option('--cert <file>', 'certificate of the key (PEM or PKCS#12); fills signCertID')
    .option('--password <password>', 'password of an encrypted key or PKCS#12', '')
    .option('--variant <variant>', 'SHA256withRSA or sha256-raw', parseVariant, 'SHA256withRSA')
    .addHelpText(
      'after',
      `
Examples:
  $ ucsp-sandbox sign order.json --key keys/partner.key.pem --cert keys/partner.cert.pem
  $ ucsp-sandbox sign order.json --key keys/partner.p12 --password ucsp-sandbox > signed.json
  $ cat order.json | ucsp-sandbox sign - --key k.pem --cert c.pem --variant sha256-raw`,
    )
    .action(async (file: string, opts: { key: string; cert?: string; password: string; variant: SignatureVariant }) => {
      const signer = await loadSigner(opts.key, opts.cert, opts.password);
      let value: unknown;
      try {
        value = readJsonBody(await readInput(file)).value;
      } catch (e) {
        if (e instanceof UcspError && e.kind === 'format') throw new UcspError('usage', `${file}: ${e.message}`);
        throw e;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new UcspError('usage', `${file}: a message must be a JSON object`);
      }
      // Exactly the bytes that were signed: a newline only for a person at a terminal.
      process.stdout.write(signMessage(value, signer, { variant: opts.variant }) + (process.stdout.isTTY ? '\n' : ''));
    });
}
