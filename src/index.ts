/** Public library API of ucsp-sandbox. */
export { UcspError, RESPONSE_MESSAGES, type ResponseCode, type ErrorKind } from './errors/index.js';
export {
  validateMessage,
  formatDiagnostics,
  inferRole,
  parseStrictJson,
  readJsonBody,
  MESSAGES,
  MSG_TYPES,
  isMsgType,
  type Diagnostic,
  type ValidationResult,
  type MsgType,
  type Role,
  type RequestOf,
  type ResponseOf,
  type UcspMessage,
} from './schemas/index.js';
export {
  signMessage,
  verifyMessage,
  verifyParsed,
  loadSigner,
  loadCertificates,
  loadPrivateKey,
  certInfoFromPem,
  TrustStore,
  generateTestKeys,
  writeTestKeys,
  KEY_FILES,
  type SignerCredentials,
  type CertInfo,
  type SignatureVariant,
  type VerifyResult,
} from './crypto/index.js';
export { startSandbox, type RunningSandbox } from './sandbox/start-sandbox.js';
export { SandboxRuntime } from './sandbox/runtime.js';
export { loadConfig, resolveConfig } from './config/load-config.js';
export type { SandboxConfig } from './config/config-schema.js';
export { defineScenario } from './scenarios/define-scenario.js';
export { runConformance, type ConformanceOptions } from './scenarios/run-conformance.js';
export type { RunSummary, ScenarioResult, CheckResult, CauseGroup, CheckCause } from './scenarios/results.js';
export type { Scenario } from './scenarios/scenario-schema.js';
