/** Whether a file or folder exists (async; for set-up work, never the request path). */
import { stat } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
