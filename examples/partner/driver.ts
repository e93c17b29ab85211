/**
 * The test driver (PROFILE §9), mounted at /driver: lets a conformance suite make the partner act
 * through its real UCSP integration and read what it believes. Expose it in test deployments only.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Params } from './action-kit.js';
import { closeAutoDebit, signAutoDebit, submitAutoDebit } from './auto-debit.js';
import { ActionError, type PartnerContext } from './context.js';
import { sessionUser } from './login.js';
import { inquirePayment, submitPaymentOrder } from './payments.js';
import { cancelPayment, inquireRefund, refundPayment } from './refunds.js';

type Action = (ctx: PartnerContext, params: Params) => Promise<Record<string, string | undefined>>;

export const ACTIONS: Record<string, Action> = {
  submitPaymentOrder,
  inquirePayment,
  signAutoDebit,
  closeAutoDebit,
  submitAutoDebit,
  cancelPayment,
  refundPayment,
  inquireRefund,
};

export function driverRouter(ctx: PartnerContext): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));

  router.post('/actions', async (req: Request, res: Response) => {
    const { action, params = {} } = (req.body ?? {}) as { action?: unknown; params?: unknown };
    const run = typeof action === 'string' && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!run) throw new ActionError(400, `unknown action ${JSON.stringify(action)} (known: ${Object.keys(ACTIONS).join(', ')})`);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ActionError(400, 'params must be an object');
    res.json({ result: await run(ctx, params as Params) });
  });

  router.get('/orders/:orderId', (req: Request, res: Response) => {
    const view = ctx.store.orderView(String(req.params.orderId));
    if (view) res.json(view);
    else res.status(404).json({ error: `no order ${req.params.orderId}` });
  });

  router.get('/contracts/:contractId', (req: Request, res: Response) => {
    const view = ctx.store.contractView(String(req.params.contractId));
    if (view) res.json(view);
    else res.status(404).json({ error: `no contract ${req.params.contractId}` });
  });

  router.get('/session', (req: Request, res: Response) => {
    const userId = sessionUser(ctx, req.headers.cookie);
    if (userId) res.json({ userId });
    else res.status(401).json({ error: 'no session' });
  });

  router.post('/reset', (_req: Request, res: Response) => {
    ctx.store.reset();
    ctx.log('driver: state reset');
    res.status(204).end();
  });

  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ActionError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message }); // e.g. a body that is not JSON
      return;
    }
    ctx.log(`driver: ${(err as Error).stack ?? String(err)}`);
    res.status(500).json({ error: `internal error: ${(err as Error).message}` });
  });
  return router;
}
