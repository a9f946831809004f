import { open, readFile, rename, writeFile } from 'node:fs/promises';
import type { BpeTokenizer } from './tokenizer.js';
import type { TextSource } from './train.js';

/**
 * A tokenised corpus as the trainer reads it: `<name>` holds the ids as little-endian uint16
 * (vocabularies up to 65,536) or uint32, each text followed by `</s>`; `<name>.json` describes it.
 */
export interface TokenFileSummary {
  readonly dtype: 'uint16' | 'uint32';
  readonly tokens: number;
  readonly texts: number;
  readonly vocabSize: number;
  readonly eosId: number;
}

const FLUSH_TOKENS = 1 << 20;

/** Encodes `texts` into a token file (written under a temporary name, then renamed). */
export async function writeTokenFile(path: string, tokenizer: BpeTokenizer, texts: TextSource): Promise<TokenFileSummary> {
  const dtype = tokenizer.vocabSize <= 0x10000 ? 'uint16' : 'uint32';
  const Ids = dtype === 'uint16' ? Uint16Array : Uint32Array;
  const eosId = tokenizer.specialTokenIds.eos;
  const staging = `${path}.partial`;
  const file = await open(staging, 'w');
  let buffer = new Ids(FLUSH_TOKENS);
  let filled = 0;
  let tokens = 0;
  let count = 0;
  const flush = async () => {
    // Typed arrays are little-endian on every platform Node supports.
    await file.write(new Uint8Array(buffer.buffer, 0, filled * Ids.BYTES_PER_ELEMENT));
    tokens += filled;
    filled = 0;
  };
  try {
    for await (const text of texts) {
      const ids = tokenizer.encode(text);
      if (filled + ids.length + 1 > buffer.length) {
        await flush();
        if (ids.length + 1 > buffer.length) buffer = new Ids(ids.length + 1);
      }
      buffer.set(ids, filled);
      buffer[filled + ids.length] = eosId;
      filled += ids.length + 1;
      count++;
    }
    await flush();
  } finally {
    await file.close();
  }
  await rename(staging, path);
  const summary: TokenFileSummary = { dtype, tokens, texts: count, vocabSize: tokenizer.vocabSize, eosId };
  await writeFile(`${path}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Reads a token file written by writeTokenFile, checking it against its description. */
export async function readTokenFile(path: string): Promise<{ summary: TokenFileSummary; ids: Uint16Array | Uint32Array }> {
  const summary = JSON.parse(await readFile(`${path}.json`, 'utf8')) as TokenFileSummary;
  const bytes = await readFile(path);
  const width = summary.dtype === 'uint16' ? 2 : 4;
  if (bytes.byteLength !== summary.tokens * width) {
    throw new Error(`token file ${path} has ${bytes.byteLength} bytes, its description says ${summary.tokens} ${summary.dtype} tokens; prepare the corpus again`);
  }
  const aligned = new Uint8Array(bytes).buffer; // a fresh, aligned copy
  const ids = summary.dtype === 'uint16' ? new Uint16Array(aligned) : new Uint32Array(aligned);
  return { summary, ids };
}
