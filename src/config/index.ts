export * from './config-schema.js';
export * from './defaults.js';
export * from './load-config.js';
export * from './published-config.js';
export * from './public-urls.js';
