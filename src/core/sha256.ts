// The one checksum the project uses: sha256, as lower-case hex. It ties the
// manifest to the files render wrote and to the inputs they came from.
import { createHash } from 'node:crypto';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
