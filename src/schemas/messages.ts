/**
 * Every message of PROFILE §6 as a request schema and (except the login hand-off) a response
 * schema. For notices the "request" is the notice UCSP sends and the "response" is the partner's
 * answer. Built from the envelope of PROFILE §3 and the fields of §5.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { F } from './fields.js';

export { MSG_TYPES, isMsgType, type MsgType, type Direction, type Role } from './message-types.js';
import { MSG_TYPES, type MsgType, type Direction, type Role } from './message-types.js';

const MsgInfo = <T extends MsgType>(msgType: T) =>
  Type.Object({
    versionNo: F.versionNo,
    msgID: F.msgID,
    timeStamp: F.timeStamp,
    msgType: Type.Literal(msgType),
    insID: F.insID,
  });

const MsgResponse = (codes: readonly string[]) =>
  Type.Object({
    responseCode: Type.Union(codes.map((c) => Type.Literal(c))),
    responseMsg: F.responseMsg,
  });

const CertificateSignature = Type.Object({ signCertID: F.signCertID, signature: F.signature });

/** Codes any response may carry besides its business codes: the request could not be processed. */
const ERROR_CODES = ['10', '11', '99'] as const;

/**
 * Fields the response must carry when its code is one of `codes` (e.g. tn and paymentUrl on 00).
 * Expressed as JSON Schema if/then so that ajv reports them like any other rule.
 */
function requiredWhen(codes: string[], fields: string[]) {
  return {
    if: {
      properties: { msgResponse: { properties: { responseCode: { enum: codes } }, required: ['responseCode'] } },
      required: ['msgResponse'],
    },
    then: { properties: { trxInfo: { required: fields } } },
  };
}

/** msgResponse is absent in requests (PROFILE §3): a request carrying one is invalid (10). */
const NoMsgResponse = Type.Optional(Type.Never({ description: 'absent in a request (PROFILE §3)' }));

function request<T extends MsgType, P extends TProperties>(msgType: T, trx: P, withResponse?: string[], rules: object[] = []) {
  const props = {
    msgInfo: MsgInfo(msgType),
    trxInfo: Type.Object(trx),
    msgResponse: withResponse ? MsgResponse(withResponse) : NoMsgResponse,
    certificateSignature: CertificateSignature,
  };
  return Type.Object(props, { $id: `ucsp:${msgType}.request`, ...(rules.length ? { allOf: rules } : {}) });
}

function response<T extends MsgType, P extends TProperties>(msgType: T, trx: P, codes: string[], rules: object[] = []) {
  return Type.Object(
    {
      msgInfo: MsgInfo(msgType),
      trxInfo: Type.Object(trx),
      msgResponse: MsgResponse([...codes, ...ERROR_CODES]),
      certificateSignature: CertificateSignature,
    },
    { $id: `ucsp:${msgType}.response`, ...(rules.length ? { allOf: rules } : {}) },
  );
}

const O = Type.Optional;

/** Partner's answer to a notice (PROFILE §6.3): msgInfo echoed, a code, key fields optional. */
const noticeAnswer = <T extends MsgType>(msgType: T) =>
  response(msgType, { orderId: O(F.orderId), merId: O(F.merId) }, ['00', '34', '36']);

/** trxInfo of SUBMIT_PAYMENT_ORDER (PROFILE §6.2): also the fields a payment order keeps (control API). */
export const SUBMIT_PAYMENT_ORDER_FIELDS = {
  orderId: F.orderId,
  merId: F.merId,
  acqIIN: F.acqIIN,
  txnAmt: F.txnAmt,
  currencyCode: F.currencyCode,
  txnTime: F.txnTime,
  userId: F.userId,
  backUrl: F.url,
  frontUrl: O(F.url),
  orderDesc: O(F.orderDesc),
};

export const MESSAGES = {
  INDUSTRY_LOGIN_INFO: {
    direction: 'ucsp-to-partner',
    request: request('INDUSTRY_LOGIN_INFO', {
      userId: F.userId,
      mobile: F.mobile,
      channelCode: F.channelCode,
      industryCode: F.industryCode,
    }),
    response: undefined,
  },
  SUBMIT_PAYMENT_ORDER: {
    direction: 'partner-to-ucsp',
    request: request('SUBMIT_PAYMENT_ORDER', SUBMIT_PAYMENT_ORDER_FIELDS),
    response: response(
      'SUBMIT_PAYMENT_ORDER',
      {
        orderId: O(F.orderId),
        merId: O(F.merId),
        txnAmt: O(F.txnAmt),
        currencyCode: O(F.currencyCode),
        tn: O(F.tn),
        paymentUrl: O(F.url),
      },
      ['00', '34', '36'],
      [requiredWhen(['00'], ['orderId', 'tn', 'paymentUrl'])],
    ),
  },
  PAYMENT_RESULT_NOTICE: {
    direction: 'ucsp-to-partner',
    request: request(
      'PAYMENT_RESULT_NOTICE',
      {
        orderId: F.orderId,
        merId: F.merId,
        txnType: F.txnType,
        txnAmt: F.txnAmt,
        currencyCode: F.currencyCode,
        txnTime: F.txnTime,
        queryId: F.queryId,
        origQryId: O(F.origQryId),
        tn: O(F.tn),
        settleDate: O(F.settleDate),
      },
      ['00', '01'],
      [
        {
          if: { properties: { trxInfo: { properties: { txnType: { const: 'PAY' } }, required: ['txnType'] } } },
          then: { properties: { trxInfo: { required: ['tn'] } } },
        },
        {
          if: { properties: { trxInfo: { properties: { txnType: { enum: ['CANCEL', 'REFUND'] } }, required: ['txnType'] } } },
          then: { properties: { trxInfo: { required: ['origQryId'] } } },
        },
      ],
    ),
    response: noticeAnswer('PAYMENT_RESULT_NOTICE'),
  },
  PAYMENT_RESULT_INQUIRY: {
    direction: 'partner-to-ucsp',
    request: request('PAYMENT_RESULT_INQUIRY', { orderId: F.orderId, merId: F.merId }),
    response: response(
      'PAYMENT_RESULT_INQUIRY',
      {
        orderId: O(F.orderId),
        merId: O(F.merId),
        txnType: O(F.txnType),
        txnAmt: O(F.txnAmt),
        currencyCode: O(F.currencyCode),
        queryId: O(F.queryId),
      },
      ['00', '01', '05', '34'],
      [requiredWhen(['00', '01', '05'], ['orderId', 'txnType', 'txnAmt', 'currencyCode']), requiredWhen(['00', '01'], ['queryId'])],
    ),
  },
  SIGN_AUTO_DEBIT: {
    direction: 'partner-to-ucsp',
    request: request('SIGN_AUTO_DEBIT', {
      orderId: F.orderId,
      merId: F.merId,
      userId: F.userId,
      frontUrl: F.url,
      backUrl: F.url,
    }),
    response: response(
      'SIGN_AUTO_DEBIT',
      { orderId: O(F.orderId), merId: O(F.merId), signUrl: O(F.url) },
      ['00', '36'],
      [requiredWhen(['00'], ['orderId', 'signUrl'])],
    ),
  },
  SIGN_AUTO_DEBIT_NOTICE: {
    direction: 'ucsp-to-partner',
    request: request(
      'SIGN_AUTO_DEBIT_NOTICE',
      { orderId: F.orderId, merId: F.merId, userId: F.userId, contractId: O(F.contractId) },
      ['00', '01'],
      [requiredWhen(['00'], ['contractId'])],
    ),
    response: noticeAnswer('SIGN_AUTO_DEBIT_NOTICE'),
  },
  CLOSE_AUTO_DEBIT: {
    direction: 'partner-to-ucsp',
    request: request('CLOSE_AUTO_DEBIT', { contractId: F.contractId, merId: F.merId, userId: F.userId }),
    response: response('CLOSE_AUTO_DEBIT', { contractId: O(F.contractId), merId: O(F.merId) }, ['00', '34', '36'], [
      requiredWhen(['00'], ['contractId']),
    ]),
  },
  SUBMIT_AUTO_DEBIT: {
    direction: 'partner-to-ucsp',
    request: request('SUBMIT_AUTO_DEBIT', {
      orderId: F.orderId,
      contractId: F.contractId,
      merId: F.merId,
      acqIIN: F.acqIIN,
      txnAmt: F.txnAmt,
      currencyCode: F.currencyCode,
      txnTime: F.txnTime,
      backUrl: F.url,
    }),
    response: response(
      'SUBMIT_AUTO_DEBIT',
      { orderId: O(F.orderId), merId: O(F.merId), contractId: O(F.contractId) },
      ['05', '01', '34', '36'],
      [requiredWhen(['05'], ['orderId'])],
    ),
  },
  PAYMENT_CANCELLATION: {
    direction: 'partner-to-ucsp',
    request: request('PAYMENT_CANCELLATION', {
      orderId: F.orderId,
      origQryId: F.origQryId,
      merId: F.merId,
      txnAmt: F.txnAmt,
      txnTime: F.txnTime,
      backUrl: F.url,
    }),
    response: response(
      'PAYMENT_CANCELLATION',
      { orderId: O(F.orderId), origQryId: O(F.origQryId), merId: O(F.merId) },
      ['00', '05', '34', '36'],
      [requiredWhen(['00', '05'], ['orderId', 'origQryId'])],
    ),
  },
  PAYMENT_REFUND: {
    direction: 'partner-to-ucsp',
    request: request('PAYMENT_REFUND', {
      orderId: F.orderId,
      origQryId: F.origQryId,
      merId: F.merId,
      txnAmt: F.txnAmt,
      currencyCode: F.currencyCode,
      txnTime: F.txnTime,
      backUrl: F.url,
    }),
    response: response(
      'PAYMENT_REFUND',
      { orderId: O(F.orderId), origQryId: O(F.origQryId), merId: O(F.merId) },
      ['00', '05', '34', '36'],
      [requiredWhen(['00', '05'], ['orderId', 'origQryId'])],
    ),
  },
  REFUND_RESULT_INQUIRY: {
    direction: 'partner-to-ucsp',
    request: request('REFUND_RESULT_INQUIRY', { orderId: F.orderId, merId: F.merId }),
    response: response(
      'REFUND_RESULT_INQUIRY',
      {
        orderId: O(F.orderId),
        merId: O(F.merId),
        origQryId: O(F.origQryId),
        txnType: O(F.txnType),
        txnAmt: O(F.txnAmt),
        queryId: O(F.queryId),
      },
      ['00', '01', '05', '34'],
      [requiredWhen(['00', '01', '05'], ['orderId', 'origQryId', 'txnType', 'txnAmt']), requiredWhen(['00', '01'], ['queryId'])],
    ),
  },
} as const satisfies Record<MsgType, { direction: Direction; request: TObject; response: TObject | undefined }>;

type Defs = typeof MESSAGES;
/** The request (or notice) of a message type, as a TypeScript type derived from its schema. */
export type RequestOf<T extends MsgType> = Static<Defs[T]['request']>;
/** The response (or notice answer) of a message type. */
export type ResponseOf<T extends Exclude<MsgType, 'INDUSTRY_LOGIN_INFO'>> = Static<NonNullable<Defs[T]['response']>>;

export type TrxInfoOf<T extends MsgType> = RequestOf<T>['trxInfo'];
