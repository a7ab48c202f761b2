/** A small seeded random number generator (mulberry32), so every sim decision is reproducible. */
import { mulberry32 } from '../../random';

export type Rng = () => number;

export function seededRng(...seeds: (number | string)[]): Rng {
  let state = 0x9e3779b9;
  for (const seed of seeds) {
    const text = String(seed);
    for (let i = 0; i < text.length; i++) state = Math.imul(state ^ text.charCodeAt(i), 0x85ebca6b) >>> 0;
    state = (state ^ (state >>> 13)) >>> 0;
  }
  return mulberry32(state);
}

/** An integer in [min, max]. */
export function between(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}
