export * from './fields.js';
export * from './envelope.js';
export * from './messages.js';
export { DIRECTIONS, allowedResponseCodes, isPartnerToUcsp } from './message-types.js';
export { PATTERNS } from './patterns.js';
export * from './mask.js';
export * from './validate.js';
export * from './strict-json.js';
