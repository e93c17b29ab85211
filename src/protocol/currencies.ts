/**
 * ISO 4217 numeric codes the sandbox knows, with their minor-unit digits (ISO 4217's "minor unit":
 * JPY and KRW have none, the dinars and the rial three). txnAmt is always in these minor units
 * (PROFILE §5). Unknown codes are 36.
 */
export const CURRENCIES: Record<string, { alpha: string; decimals: number }> = {
  '344': { alpha: 'HKD', decimals: 2 },
  '156': { alpha: 'CNY', decimals: 2 },
  '840': { alpha: 'USD', decimals: 2 },
  '392': { alpha: 'JPY', decimals: 0 },
  '446': { alpha: 'MOP', decimals: 2 },
  '702': { alpha: 'SGD', decimals: 2 },
  '978': { alpha: 'EUR', decimals: 2 },
  '826': { alpha: 'GBP', decimals: 2 },
  '410': { alpha: 'KRW', decimals: 0 },
  '764': { alpha: 'THB', decimals: 2 },
  '458': { alpha: 'MYR', decimals: 2 },
  '036': { alpha: 'AUD', decimals: 2 },
  '048': { alpha: 'BHD', decimals: 3 },
  '400': { alpha: 'JOD', decimals: 3 },
  '414': { alpha: 'KWD', decimals: 3 },
  '512': { alpha: 'OMR', decimals: 3 },
  '788': { alpha: 'TND', decimals: 3 },
};

/** "1234" in 344 → "HKD 12.34". */
export function formatAmount(minor: string | number, currencyCode: string): string {
  const c = CURRENCIES[currencyCode];
  const n = String(minor);
  if (!c) return `${n} (${currencyCode})`;
  if (c.decimals === 0) return `${c.alpha} ${n}`;
  const padded = n.padStart(c.decimals + 1, '0');
  return `${c.alpha} ${padded.slice(0, -c.decimals)}.${padded.slice(-c.decimals)}`;
}
