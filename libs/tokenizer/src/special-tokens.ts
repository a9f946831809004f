/** The paper's special tokens (PAPER.md section 2), in id order: a trained vocabulary starts with them. */
export const SPECIAL_TOKENS = ['[UNK]', '[PAD]', '[MASK]', '<s>', '</s>'] as const;

export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** Ids of the special tokens by role. */
export interface SpecialTokenIds {
  readonly unk: number;
  readonly pad: number;
  readonly mask: number;
  readonly bos: number;
  readonly eos: number;
}

/**
 * Matches the special tokens in raw text, as Hugging Face's added vocabulary does before
 * pre-tokenisation (leftmost, then longest).
 */
export const SPECIAL_TOKEN_PATTERN: RegExp = new RegExp(
  [...SPECIAL_TOKENS]
    .sort((a, b) => b.length - a.length)
    .map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|'),
  'g',
);
