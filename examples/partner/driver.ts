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
  /** Every answer of the driver, held back in slow mode (after the call's work is done). */
  const answer = async (req: Request, res: Response, status: number, body?: unknown): Promise<void> => {
    if (!(await ctx.answerAfter(ctx.slowness.slowDriverMs, `driver ${req.method} ${req.path}`))) return;
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  };
  router.use(express.json({ limit: '64kb' }));

  router.post('/actions', async (req: Request, res: Response) => {
    const { action, params = {} } = (req.body ?? {}) as { action?: unknown; params?: unknown };
    const run = typeof action === 'string' && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!run) throw new ActionError(400, `unknown action ${JSON.stringify(action)} (known: ${Object.keys(ACTIONS).join(', ')})`);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new ActionError(400, 'params must be an object');
    await answer(req, res, 200, { result: await run(ctx, params as Params) });
  });

  router.get('/orders/:orderId', async (req: Request, res: Response) => {
    const view = ctx.store.orderView(String(req.params.orderId));
    await answer(req, res, view ? 200 : 404, view ?? { error: `no order ${req.params.orderId}` });
  });

  router.get('/contracts/:contractId', async (req: Request, res: Response) => {
    const view = ctx.store.contractView(String(req.params.contractId));
    await answer(req, res, view ? 200 : 404, view ?? { error: `no contract ${req.params.contractId}` });
  });

  router.get('/session', async (req: Request, res: Response) => {
    const userId = sessionUser(ctx, req.headers.cookie);
    await answer(req, res, userId ? 200 : 401, userId ? { userId } : { error: 'no session' });
  });

  router.post('/reset', async (req: Request, res: Response) => {
    ctx.store.reset();
    ctx.log('driver: state reset');
    await answer(req, res, 204);
  });

  router.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ActionError) return answer(req, res, err.status, { error: err.message });
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) return answer(req, res, status, { error: (err as Error).message }); // e.g. a body that is not JSON
    ctx.log(`driver: ${(err as Error).stack ?? String(err)}`);
    return answer(req, res, 500, { error: `internal error: ${(err as Error).message}` });
  });
  return router;
}
