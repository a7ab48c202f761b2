export * from './task';
export { loadTask, loadTasks, findTaskDirs, detectFormat, TaskPathError } from './load-tasks';
export { bundledTasksDir } from './bundled';
