// Module resolution hooks that append every resolved URL to $UCSP_MODULE_TRACE (one per line).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.UCSP_MODULE_TRACE, `${r.url}\n`);
  return r;
}
