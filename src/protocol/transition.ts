/** Shared shape of the entity state machines: a pure function (state, event) → next state. */
import { UcspError } from '../errors/index.js';

/** Thrown (as a 36 "Order Info is Incorrect") when an event is not allowed in a state. */
export function illegal(entity: string, state: string, event: string): never {
  throw new UcspError('incorrect', `${entity} is ${state}: cannot ${event}`);
}
