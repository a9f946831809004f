import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '@downscale/corpus-io';
import { countParameters, decodeCheckpoint, encodeCheckpoint, LlamaModel, readHuggingFaceDir, selectBackend, weightsCheckpoint, writeHuggingFaceDir, type TrainingCheckpoint } from '@downscale/model';
import { loadTokenizer } from '@downscale/tokenizer';
import { CHECKPOINT_FILE, findCheckpointFile, requireDistinctOut, tokenizerBeside, tokenizerFromMetadata, TOKENIZER_FILE } from './checkpoint-files.js';

export interface ExportFlags {
  checkpoint: string;
  out: string;
  tokenizer?: string;
}

export interface ImportFlags {
  hf: string;
  out: string;
}

export interface ConversionReport {
  /** The checkpoint file (export) or model folder (import) read. */
  from: string;
  /** The model folder (export) or checkpoint file (import) written. */
  to: string;
  /** The tokenizer.json carried along, if any. */
  tokenizer?: string;
  params: number;
}

// Conversions only copy weights, and the cpu backend starts fastest.
const CONVERSION_BACKEND = 'cpu';

async function readCheckpoint(file: string): Promise<TrainingCheckpoint> {
  try {
    return decodeCheckpoint(new Uint8Array(await readFile(file)));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}; pass a checkpoint that downscale train, import or the trainer wrote`);
  }
}

/**
 * `downscale export`: a checkpoint as a Hugging Face LLaMA folder (config.json, model.safetensors,
 * tokenizer.json). The tokenizer is --tokenizer, else the one beside the checkpoint (downscale
 * train), else the one its metadata names in the artifact store (the trainer service).
 */
export async function exportCheckpoint(flags: ExportFlags): Promise<ConversionReport> {
  const file = await findCheckpointFile(flags.checkpoint);
  requireDistinctOut(dirname(file), flags.out, '--checkpoint');
  const checkpoint = await readCheckpoint(file);
  const tokenizerFile = flags.tokenizer === undefined ? (tokenizerBeside(file) ?? (await tokenizerFromMetadata(file, checkpoint.metadata))) : resolve(flags.tokenizer);
  const tokenizer = tokenizerFile === undefined ? undefined : await loadTokenizer(tokenizerFile);
  if (tokenizer && tokenizer.vocabSize !== checkpoint.config.vocabSize) {
    throw new Error(`${tokenizerFile} has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${checkpoint.config.vocabSize}; pass --tokenizer with the tokenizer the model was trained with`);
  }
  await selectBackend(CONVERSION_BACKEND);
  const model = LlamaModel.fromValues(checkpoint.config, checkpoint.weights);
  try {
    const out = resolve(flags.out);
    if (tokenizer) {
      const { bos, eos, pad } = tokenizer.specialTokenIds;
      await writeHuggingFaceDir(model, out, { tokenizerJson: await readFile(tokenizerFile!, 'utf8'), specialTokens: { bos, eos, pad } });
    } else await writeHuggingFaceDir(model, out);
    return { from: file, to: out, ...(tokenizerFile ? { tokenizer: tokenizerFile } : {}), params: countParameters(model.config).total };
  } finally {
    model.dispose();
  }
}

/**
 * `downscale import`: a Hugging Face LLaMA folder as our checkpoint (<out>/checkpoint.safetensors,
 * with a fresh optimizer state) and its tokenizer.json, ready for eval, export or fine-tuning.
 */
export async function importHuggingFaceFolder(flags: ImportFlags): Promise<ConversionReport> {
  const hf = resolve(flags.hf);
  const out = resolve(flags.out);
  requireDistinctOut(hf, out, '--hf');
  await selectBackend(CONVERSION_BACKEND);
  const model = await readHuggingFaceDir(hf);
  try {
    const checkpoint = join(out, CHECKPOINT_FILE);
    await mkdir(out, { recursive: true });
    await writeFileAtomic(checkpoint, encodeCheckpoint(weightsCheckpoint(model.config, model.values(), { importedFrom: hf })));
    const tokenizer = join(hf, TOKENIZER_FILE);
    const carried = existsSync(tokenizer);
    if (carried) await copyFile(tokenizer, join(out, TOKENIZER_FILE));
    return { from: hf, to: checkpoint, ...(carried ? { tokenizer: join(out, TOKENIZER_FILE) } : {}), params: countParameters(model.config).total };
  } finally {
    model.dispose();
  }
}

/** What a conversion did, for people. */
export function conversionSummary(report: ConversionReport, direction: 'export' | 'import'): string {
  const tokenizer = report.tokenizer
    ? `with ${report.tokenizer}`
    : direction === 'export'
      ? 'without a tokenizer (none beside the checkpoint; pass --tokenizer <file>, e.g. the corpus\'s tokenizer.json)'
      : 'without a tokenizer (the folder has no tokenizer.json)';
  return `${direction}ed ${report.params.toLocaleString('en-US')} parameters: ${report.from} -> ${report.to}, ${tokenizer}`;
}
