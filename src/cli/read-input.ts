/** Reads a FILE argument, `-` meaning standard input. Unreadable input is a usage-level error (exit 2). */
import { readFile } from 'node:fs/promises';
import { UcspError } from '../errors/index.js';

export async function readInput(path: string): Promise<Buffer> {
  if (path === '-') {
    if (process.stdin.isTTY) throw new UcspError('usage', 'reading a message from standard input, but it is a terminal: pipe a file in or name one');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UcspError('io', `cannot read ${path}${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': is a directory' : code ? `: ${code}` : ''}`);
  }
}
