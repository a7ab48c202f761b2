/**
 * Harbor's verdict: `/logs/verifier/reward.txt` (one number, 1 = pass) or `reward.json` (a flat
 * object of numbers), plus per-test results from `ctrf.json` when the test script writes one.
 * A missing or empty reward is a verifier error, not a fail.
 */
import type { TestResult, Verdict } from './test-result';

export function parseRewardText(text: string): number | string {
  const trimmed = text.trim();
  if (!trimmed) return 'reward.txt is empty';
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : `reward.txt does not hold a number: ${JSON.stringify(trimmed.slice(0, 40))}`;
}

/** reward.json: `reward` when present, else the mean of its numeric values. */
export function parseRewardJson(text: string): number | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'reward.json is not valid JSON';
  }
  if (typeof data === 'number' && Number.isFinite(data)) return data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'reward.json must be an object of numbers';
  const record = data as Record<string, unknown>;
  if (typeof record.reward === 'number' && Number.isFinite(record.reward)) return record.reward;
  const values = Object.values(record).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return 'reward.json holds no numbers';
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Per-test results of a CTRF report (`results.tests[] = {name, status, message?}`); [] when absent or malformed. */
export function parseCtrf(text: string | undefined): TestResult[] {
  if (!text) return [];
  try {
    const report = JSON.parse(text) as { results?: { tests?: { name?: unknown; status?: unknown; message?: unknown }[] } };
    const tests = report.results?.tests;
    if (!Array.isArray(tests)) return [];
    return tests
      .filter((t) => typeof t.name === 'string' && typeof t.status === 'string')
      .map((t) => {
        const status = String(t.status);
        const result: TestResult = { name: String(t.name), outcome: status === 'passed' || status === 'skipped' ? 'passed' : 'failed', raw: status };
        if (typeof t.message === 'string' && t.message) result.message = t.message;
        return result;
      });
  } catch {
    return [];
  }
}

export function harborVerdict(files: { rewardTxt?: string; rewardJson?: string; ctrf?: string }): Verdict {
  const reward = files.rewardTxt !== undefined ? parseRewardText(files.rewardTxt)
    : files.rewardJson !== undefined ? parseRewardJson(files.rewardJson)
    : 'the test script wrote no /logs/verifier/reward.txt or reward.json';
  if (typeof reward === 'string') return { kind: 'unparseable', reason: reward };
  return { kind: 'scored', resolved: reward >= 1, tests: parseCtrf(files.ctrf), reward };
}
