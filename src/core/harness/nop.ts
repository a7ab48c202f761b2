/** The nop harness does nothing: a task whose tests pass without any work is broken. */
import type { Harness } from './harness';

export const nopHarness: Harness = {
  name: 'nop',
  modelInContainer: false,
  needsModel: false,
  async run() {
    return { status: 'completed' };
  },
};
