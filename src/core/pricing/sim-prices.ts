/**
 * Prices of the SIMULATED models (`sim/...`). They are made up, so that demo runs have costs that
 * behave like real ones (cache reads cheap, output dear); they are documented in README.md and
 * every sim call carries the `simulated` flag. Given as a genai-prices provider, so sim calls are
 * priced by exactly the same code as real ones.
 */
import type { Provider } from '@pydantic/genai-prices';

/** $ per million tokens. */
export const SIM_PRICES: Record<string, { input_mtok: number; output_mtok: number; cache_read_mtok: number; cache_write_mtok: number }> = {
  'sim/direct': { input_mtok: 1, output_mtok: 4, cache_read_mtok: 0.1, cache_write_mtok: 1.25 },
  'sim/explorer': { input_mtok: 0.5, output_mtok: 2, cache_read_mtok: 0.05, cache_write_mtok: 0.625 },
  'sim/flaky': { input_mtok: 0.25, output_mtok: 1, cache_read_mtok: 0.025, cache_write_mtok: 0.3125 },
  'sim/thinker': { input_mtok: 3, output_mtok: 15, cache_read_mtok: 0.3, cache_write_mtok: 3.75 },
};

export const SIM_PROVIDER: Provider = {
  id: 'kilobench-sim',
  name: 'KiloBench simulated provider',
  api_pattern: '^$',
  models: Object.entries(SIM_PRICES).map(([id, prices]) => ({ id, name: `${id} (simulated)`, match: { equals: id }, prices })),
};

export function isSimModel(model: string): boolean {
  return model.startsWith('sim/');
}
