/** Option parsers shared by commands. */
import { InvalidArgumentError } from 'commander';
import { SIGNATURE_VARIANTS, type SignatureVariant } from '../crypto/index.js';

export function parseVariant(value: string): SignatureVariant {
  if (!(SIGNATURE_VARIANTS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${SIGNATURE_VARIANTS.join(', ')}`);
  }
  return value as SignatureVariant;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
