export * from './coverage-table.js';
export * from './json-reporter.js';
export * from './junit-reporter.js';
export * from './html-reporter.js';
export * from './console-reporter.js';
export * from './write-reports.js';
