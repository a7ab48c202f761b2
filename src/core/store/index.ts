/** The results store: run journals + an sql.js database. See README.md here for the durability contract. */
export { Store, type StoreOptions } from './store';
export { StoreError, type StoreErrorCode, type StoreWarning, type StoreWarningCode } from './errors';
export { SCHEMA_VERSION } from './schema';
export * from './records';
