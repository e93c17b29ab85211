export * from './ucsp-error.js';
