/** The TypeBox schema objects, for compiling validators (see validate.ts). */
export { Envelope } from './envelope.js';
export { MESSAGES } from './messages.js';
