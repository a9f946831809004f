import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  LlamaModel,
  decodeSafetensors,
  encodeSafetensors,
  exportHuggingFace,
  fromHfConfig,
  importHuggingFace,
  readHuggingFaceDir,
  tf,
  toHfConfig,
  writeHuggingFaceDir,
} from './index.js';
import { TINY, randomTokens, useBackend } from './test-support.js';

function logits(model: LlamaModel, tokens: Int32Array): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d(tokens, [2, TINY.contextLength], 'int32')).dataSync() as Float32Array);
}

describe('safetensors', () => {
  it('round-trips tensors and metadata with an 8-byte-aligned little-endian header', () => {
    const tensors = new Map([
      ['a', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) }],
      ['b', { shape: [1], data: Float32Array.from([Math.PI]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: 'pt' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + headerLength) % 8, 0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(header.a, { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header.b.data_offsets, [24, 28]);
    assert.equal(bytes.length, 8 + headerLength + 28);
    const decoded = decodeSafetensors(bytes);
    assert.deepEqual(decoded.metadata, { format: 'pt' });
    assert.deepEqual(decoded.tensors, tensors);
  });

  it('reads F16 and BF16 tensors as float32', () => {
    const header = new TextEncoder().encode(JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
    }));
    const bytes = new Uint8Array(8 + header.length + 6);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    view.setUint16(8 + header.length, 0x3c00, true); // 1.0
    view.setUint16(8 + header.length + 2, 0xc100, true); // -2.5
    view.setUint16(8 + header.length + 4, 0x4049, true); // bf16 3.140625
    const { tensors } = decodeSafetensors(bytes);
    assert.deepEqual(Array.from(tensors.get('h')!.data), [1, -2.5]);
    assert.deepEqual(Array.from(tensors.get('b')!.data), [3.140625]);
  });

  it('refuses byte ranges that do not fit', () => {
    const header = new TextEncoder().encode(JSON.stringify({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }));
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(header, 8);
    assert.throws(() => decodeSafetensors(bytes), /x byte range \[0, 8\) does not fit/);
  });
});

describe('Hugging Face LLaMA layout', () => {
  before(() => useBackend('cpu'));

  it('writes LlamaForCausalLM config fields', () => {
    const hf = toHfConfig({ ...TINY, ropeScalingFactor: 8 }, { bos: 3, eos: 4 });
    assert.deepEqual(hf.architectures, ['LlamaForCausalLM']);
    assert.equal(hf.hidden_size, 16);
    assert.equal(hf.intermediate_size, 64);
    assert.equal(hf.num_attention_heads, 2);
    assert.equal(hf.num_hidden_layers, 2);
    assert.equal(hf.vocab_size, 50);
    assert.equal(hf.tie_word_embeddings, false);
    assert.equal(hf.max_position_embeddings, 64);
    assert.deepEqual(hf.rope_scaling, { rope_type: 'linear', type: 'linear', factor: 8 });
    assert.equal(hf.bos_token_id, 3);
    assert.deepEqual(fromHfConfig({ ...hf }), { ...TINY, ropeScalingFactor: 8 });
    assert.equal(toHfConfig(TINY).rope_scaling, null);
  });

  it('refuses configurations this architecture cannot hold', () => {
    const hf = { ...toHfConfig(TINY) } as Record<string, unknown>;
    assert.throws(() => fromHfConfig({ ...hf, architectures: ['GPT2LMHeadModel'] }), /architectures .*LlamaForCausalLM/);
    assert.throws(() => fromHfConfig({ ...hf, tie_word_embeddings: true }), /tie_word_embeddings/);
    assert.throws(() => fromHfConfig({ ...hf, num_key_value_heads: 1 }), /grouped-query/);
    assert.throws(() => fromHfConfig({ ...hf, rope_scaling: { rope_type: 'dynamic', factor: 2 } }), /rope_scaling/);
    assert.throws(() => fromHfConfig({ ...hf, hidden_size: undefined }), /hidden_size must be a number/);
  });

  it('stores linear weights in PyTorch [out, in] layout and round-trips to identical logits', () => {
    const model = LlamaModel.create(TINY, 21);
    const { config, safetensors } = exportHuggingFace(model);
    const { tensors } = decodeSafetensors(safetensors);
    assert.deepEqual(tensors.get('model.layers.0.mlp.gate_proj.weight')!.shape, [64, 16]);
    assert.deepEqual(tensors.get('model.layers.0.mlp.down_proj.weight')!.shape, [16, 64]);
    assert.deepEqual(tensors.get('lm_head.weight')!.shape, [50, 16]);
    assert.deepEqual(tensors.get('model.embed_tokens.weight')!.shape, [50, 16]);
    // HF gate_proj[o][i] is our [i][o].
    const ours = model.values().get('model.layers.0.mlp.gate_proj.weight')!;
    const theirs = tensors.get('model.layers.0.mlp.gate_proj.weight')!.data;
    assert.equal(theirs[5 * 16 + 3], ours[3 * 64 + 5]);
    const imported = importHuggingFace({ ...config }, safetensors);
    const tokens = randomTokens(2 * TINY.contextLength, TINY.vocabSize, 22);
    assert.deepEqual(logits(imported, tokens), logits(model, tokens));
    [model, imported].forEach((m) => m.dispose());
  });

  it('writes and reads a directory with config.json, model.safetensors and tokenizer.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'downscale-hf-'));
    try {
      const model = LlamaModel.create(TINY, 23);
      await writeHuggingFaceDir(model, dir, { tokenizerJson: '{"model":{}}' });
      assert.equal(await readFile(join(dir, 'tokenizer.json'), 'utf8'), '{"model":{}}');
      const back = await readHuggingFaceDir(dir);
      const tokens = randomTokens(2 * TINY.contextLength, TINY.vocabSize, 24);
      assert.deepEqual(logits(back, tokens), logits(model, tokens));
      [model, back].forEach((m) => m.dispose());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
