export * from './error.js';
export * from './health.js';
export * from './session.js';
export * from './emulators.js';
export * from './images.js';
export * from './containers.js';
export * from './terminal.js';
