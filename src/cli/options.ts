/** Option parsers shared by commands. */
import { InvalidArgumentError } from 'commander';
import { SIGNATURE_VARIANTS, type SignatureVariant } from '../crypto/index.js';
import { UcspError } from '../errors/index.js';

export function parseVariant(value: string): SignatureVariant {
  if (!(SIGNATURE_VARIANTS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${SIGNATURE_VARIANTS.join(', ')}`);
  }
  return value as SignatureVariant;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** --partner (or UCSP_SANDBOX_PARTNER): a partner's insID, 8 digits; anything else is a usage error. */
export function checkPartnerFlag(value: string | undefined): void {
  if (value !== undefined && !/^[0-9]{8}$/.test(value)) throw new UcspError('usage', `--partner must be a partner's insID, 8 digits (got "${value}")`);
}
