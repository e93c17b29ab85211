export * from './credentials.js';
export * from './rsa.js';
export * from './sign-message.js';
export * from './trust-store.js';
export * from './verify-message.js';
export * from './keygen.js';
export * from './page-keys.js';
