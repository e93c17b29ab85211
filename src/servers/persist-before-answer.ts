/** With durable state, whatever a request changed is written before its answer leaves. */
import type { RequestHandler } from 'express';
import type { SandboxRuntime } from '../sandbox/runtime.js';

export function persistBeforeAnswer(runtime: SandboxRuntime): RequestHandler {
  return (_req, res, next) => {
    const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
    res.end = ((...a: unknown[]) => {
      runtime.persist();
      return end(...a);
    }) as typeof res.end;
    next();
  };
}
