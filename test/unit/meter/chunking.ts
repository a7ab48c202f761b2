/** Ways to cut a byte stream into chunks, for adversarial tests of the stream readers. */
export function chunkings(bytes: Buffer, randomRuns = 20): { name: string; chunks: Buffer[] }[] {
  const out: { name: string; chunks: Buffer[] }[] = [{ name: 'whole', chunks: [bytes] }];
  out.push({ name: 'one byte at a time', chunks: [...bytes].map((b) => Buffer.from([b])) });
  for (let cut = 1; cut < bytes.length; cut++) out.push({ name: `split at ${cut}`, chunks: [bytes.subarray(0, cut), bytes.subarray(cut)] });
  let state = 12345;
  const rand = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  for (let run = 0; run < randomRuns; run++) {
    const chunks: Buffer[] = [];
    let at = 0;
    while (at < bytes.length) {
      const size = 1 + Math.floor(rand() * 17);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    out.push({ name: `random run ${run}`, chunks });
  }
  return out;
}
