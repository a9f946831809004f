import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countParameters, flopsPerToken, parameterSpecs, resolveModelConfig } from './index.js';

// PAPER.md section 3, vocabulary 15,000.
const PAPER_TABLE: ReadonlyArray<readonly [h: number, layers: number, total: number, nonEmbedding: number]> = [
  [1024, 8, 164_955_136, 134_235_136],
  [1024, 4, 97_838_080, 67_118_080],
  [1024, 2, 64_279_552, 33_559_552],
  [512, 8, 48_923_136, 33_563_136],
  [256, 4, 11_876_608, 4_196_608],
  [128, 2, 4_364_928, 524_928],
  [32, 8, 1_091_616, 131_616],
  [32, 2, 992_928, 32_928],
];

describe('countParameters', () => {
  for (const [hiddenSize, numLayers, total, nonEmbedding] of PAPER_TABLE) {
    it(`reproduces the paper's table for h=${hiddenSize}, ${numLayers} layers`, () => {
      const config = resolveModelConfig({ hiddenSize, numLayers, vocabSize: 15_000 });
      assert.deepEqual(countParameters(config), { total, nonEmbedding });
    });
  }

  it('agrees with the sizes of the parameters the model actually holds', () => {
    const config = resolveModelConfig({ hiddenSize: 48, numLayers: 3, vocabSize: 77, numHeads: 4 });
    const held = parameterSpecs(config).reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(countParameters(config).total, held);
  });
});

describe('flopsPerToken', () => {
  it('counts each component by hand for h=16, 2 layers, 2 heads, V=50, s=8', () => {
    const config = resolveModelConfig({ hiddenSize: 16, numLayers: 2, vocabSize: 50, numHeads: 2, contextLength: 8 });
    const flops = flopsPerToken(config);
    // embeddings 2*50*16; qkv 2 layers * 2*3*16*16; scores and values 2 * 2*8*16 each;
    // softmax 2 * 3*2*8; output 2 * 2*16*16; MLP 2 * 2*3*16*64; logits 2*16*50.
    assert.deepEqual(flops.forward, {
      embeddings: 1600,
      attentionProjections: 3072,
      attentionScores: 512,
      attentionSoftmax: 96,
      attentionValues: 512,
      attentionOutput: 1024,
      mlp: 12_288,
      logits: 1600,
      total: 20_704,
    });
    assert.equal(flops.detailed, 3 * 20_704);
    // non-embedding params: 2 * (4*256 + 3*16*64 + 2*16) + 16 = 8272.
    assert.equal(flops.kaplan, 6 * 8272);
  });

  it('grows the s^2 terms with the sequence length only', () => {
    const config = resolveModelConfig({ hiddenSize: 16, numLayers: 2, vocabSize: 50, numHeads: 2, contextLength: 8 });
    const short = flopsPerToken(config, 8).forward;
    const long = flopsPerToken(config, 16).forward;
    assert.equal(long.attentionScores, 2 * short.attentionScores);
    assert.equal(long.mlp, short.mlp);
  });
});
