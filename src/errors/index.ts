export * from './ucsp-error.js';
export * from './package-root.js';
export * from './path-exists.js';
export * from './suggest.js';
