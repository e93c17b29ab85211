export * from './ucsp-error.js';
export * from './package-root.js';
