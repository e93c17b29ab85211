import type { Command } from 'commander';
import { TrustStore, loadCertificates, verifyMessage, type SignatureVariant } from '../../crypto/index.js';
import { c, out, printJson } from '../output.js';
import { collect, parseVariant } from '../options.js';
import { readInput } from '../read-input.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('verify the signature of a received message over its raw bytes; exit 0 valid, 1 invalid')
    .argument('<file>', 'the message exactly as received, or - for standard input')
    .requiredOption('--cert <file>', 'a trusted certificate, PEM or PKCS#12 (repeat for several)', collect)
    .option('--password <password>', 'password of a PKCS#12 certificate file', '')
    .option('--variant <variant>', 'SHA256withRSA or sha256-raw', parseVariant, 'SHA256withRSA')
    .option('--json', 'print the verdict as one JSON object', false)
    .addHelpText(
      'after',
      `
Examples:
  $ ucsp-sandbox verify notice.json --cert keys/ucsp.cert.pem
  $ ucsp-sandbox verify request.json --cert keys/partner.cert.pem --cert old-partner.cert.pem --json`,
    )
    .action(async (file: string, opts: { cert: string[]; password: string; variant: SignatureVariant; json: boolean }) => {
      const trust = new TrustStore();
      for (const path of opts.cert) for (const cert of await loadCertificates(path, opts.password)) trust.add(cert);
      const result = verifyMessage(await readInput(file), trust, { variant: opts.variant });
      if (opts.json) printJson(result);
      else {
        out(result.valid ? `${c.green('VALID')}   ${result.summary}` : `${c.red('INVALID')} ${result.summary}`);
        for (const d of result.details) out(`  ${d}`);
        if (result.valid && result.digest) out(`  SHA-256 of the signed bytes: ${result.digest}`);
      }
      process.exitCode = result.valid ? 0 : 1;
    });
}
