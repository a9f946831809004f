/**
 * Streaming zstd decompression (Node 20's zlib has no zstd; fzstd is pure JavaScript). A
 * damaged or truncated file raises a {@link CorpusReadError} with the compressed byte offset.
 */
import { Decompress, ZstdErrorCode, type ZstdError } from 'fzstd';
import { CorpusReadError } from './documents.js';

/** Decompressed chunks of the zstd stream `compressed`, read from `file` (named in errors). */
export async function* decompressZstd(compressed: AsyncIterable<Uint8Array>, file: string): AsyncGenerator<Uint8Array> {
  let output: Uint8Array[] = [];
  // Copied: fzstd hands out views of its window buffer, which later blocks overwrite.
  const decompressor = new Decompress((data) => output.push(data.slice()));
  let offset = 0;
  const push = (chunk: Uint8Array, final: boolean): Uint8Array[] => {
    try {
      decompressor.push(chunk, final);
    } catch (error) {
      throw zstdReadError(error as ZstdError, file, offset);
    }
    offset += chunk.byteLength;
    const ready = output;
    output = [];
    return ready;
  };
  for await (const chunk of compressed) yield* push(chunk, false);
  yield* push(new Uint8Array(0), true);
}

function zstdReadError(error: ZstdError, file: string, offset: number): CorpusReadError {
  const problem =
    error.code === ZstdErrorCode.UnexpectedEOF
      ? 'the zstd stream ends early (truncated file; the lines before this point were read)'
      : `the zstd data is damaged (${error.message})`;
  return new CorpusReadError({ file, offset }, problem);
}
