/** Scenarios in TypeScript: the same shape as the YAML files, typed, validated the same way. */
import type { Scenario } from './scenario-schema.js';

export function defineScenario<const S extends Scenario>(scenario: S): S {
  return scenario;
}
