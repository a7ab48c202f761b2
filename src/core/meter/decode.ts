/** A decompressor for a response's content-encoding, or null for identity (or an encoding we cannot read). */
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';

export function createDecoder(contentEncoding: string): Transform | null {
  switch (contentEncoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}
