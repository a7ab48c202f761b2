import * as assert from 'node:assert/strict';
import { formatDate, formatShortDate } from '../../../src/core/format';

describe('dates from the one formatter', () => {
  const now = new Date(2026, 11, 3, 15, 0);

  it('the short form (trees, pickers): month, day and time this year, the year otherwise', () => {
    assert.equal(formatShortDate(new Date(2026, 11, 3, 14, 5).toISOString(), now), 'Dec 3 14:05');
    assert.equal(formatShortDate(new Date(2026, 0, 1, 0, 0).toISOString(), now), 'Jan 1 00:00');
    assert.equal(formatShortDate(new Date(2025, 0, 9, 9, 0).toISOString(), now), 'Jan 9 2025');
    assert.equal(formatShortDate(new Date(2027, 6, 20, 23, 59).toISOString(), now), 'Jul 20 2027');
  });

  it('the short form and the long form name the same local day and minute', () => {
    const iso = new Date(2026, 4, 17, 8, 7).toISOString();
    assert.equal(formatShortDate(iso, now), 'May 17 08:07');
    assert.equal(formatDate(iso), '17 May 2026 08:07');
  });

  it('text that is no date is shown as it is, never "Invalid Date"', () => {
    assert.equal(formatShortDate('not a date', now), 'not a date');
  });
});
