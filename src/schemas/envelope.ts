/** The generic envelope of PROFILE §3, for messages whose type is not yet known. */
import { Type, type Static } from '@sinclair/typebox';
import { F } from './fields.js';

export const Envelope = Type.Object(
  {
    msgInfo: Type.Object({
      versionNo: F.versionNo,
      msgID: F.msgID,
      timeStamp: F.timeStamp,
      msgType: Type.String({ minLength: 1, maxLength: 64 }),
      insID: F.insID,
    }),
    trxInfo: Type.Record(Type.String(), Type.Unknown()),
    msgResponse: Type.Optional(Type.Object({ responseCode: F.responseCode, responseMsg: F.responseMsg })),
    certificateSignature: Type.Object({ signCertID: F.signCertID, signature: F.signature }),
  },
  { $id: 'ucsp:envelope' },
);
export type Envelope = Static<typeof Envelope>;

/** A parsed message of any type: the envelope with loosely typed trxInfo. */
export interface UcspMessage {
  msgInfo: { versionNo: string; msgID: string; timeStamp: string; msgType: string; insID: string };
  trxInfo: Record<string, unknown>;
  msgResponse?: { responseCode: string; responseMsg: string };
  certificateSignature: { signCertID: string; signature: string };
}
