/** Models as KiloBench runs them: the models file, the built-in simulated models, and what a harness gets of a model. */
export type { ModelAccess, ModelSpec } from './model-spec';
export { builtinModels, knownModels, ModelConfigError, parseModelEntry, readModelsFile, requireModelKeys, resolveModels } from './models-file';
