/** The mock issuer: its test cards and amount rules, and the transactions it has seen. */
import express, { type Express } from 'express';
import { AMOUNT_RULES, TEST_CARDS } from '../protocol/issuer-rules.js';
import { maskCardNumbers } from '../schemas/mask.js';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { persistBeforeAnswer } from './persist-before-answer.js';
import { doorsGuard, type Refuse } from './doors.js';
import { jsonErrors } from './http-errors.js';

export function createIssuerApp(runtime: SandboxRuntime): Express {
  const app = express();
  app.disable('x-powered-by');
  if (runtime.store) app.use(persistBeforeAnswer(runtime, 'Issuer'));
  const refuse: Refuse = (res, status, error) => void res.status(status).json({ error });
  // every transaction, hence every order: behind the control token when there is one (doors.ts)
  app.use('/issuer/transactions', doorsGuard(runtime.doors, { token: true, refuse }));
  app.use(doorsGuard(runtime.doors, { token: false, refuse }));
  app.get(['/', '/issuer'], (_req, res) => {
    res.json({ service: 'ucsp-sandbox mock issuer', cards: TEST_CARDS, amountRules: AMOUNT_RULES, transactions: `${runtime.urls.issuer}/issuer/transactions` });
  });
  app.get('/issuer/cards', (_req, res) => {
    res.json({ cards: TEST_CARDS, amountRules: AMOUNT_RULES });
  });
  app.get('/issuer/transactions', (_req, res) => {
    res.json([...runtime.ledger.issuer.values()].map((t) => ({ ...t, card: t.card ? maskCardNumbers(t.card) : undefined })));
  });
  app.use(jsonErrors);
  return app;
}
