export { mine, defaultMineDir, kilobenchDataDir, ignoreInsideRepo, readMineReport, type MineOptions, type MineResult, type MinedTask, type RejectedCandidate, type MineProgress } from './mine';
export { detectToolchain, type Toolchain } from './toolchain';
export { isSecretPath, isTestPath } from './classify';
export { GitError, repoRoot } from './git';
