export * from './bootstrap.js';
export * from './config.js';
export * from './health.js';
export * from './logger.js';
export * from './metrics.js';
export * from './service-kit.module.js';
export * from './tokens.js';
