/**
 * The safetensors container (https://github.com/huggingface/safetensors): an 8-byte
 * little-endian header length, a JSON header mapping each tensor name to its dtype, shape
 * and byte range, an optional "__metadata__" string map, then the raw little-endian data.
 * Only float32 is written; float32, float16 and bfloat16 are read (as float32).
 */

export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, NamedTensor>;
  readonly metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const HEADER_ALIGNMENT = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer);
    data.forEach((value, index) => view.setFloat32(index * 4, value, true));
  }
  return bytes;
}

/** Serialises tensors (in the map's order) and string metadata. */
export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(`safetensors: ${name} has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}]`);
    }
    header[name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = JSON.stringify(header);
  const padding = (HEADER_ALIGNMENT - (new TextEncoder().encode(json).length % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT;
  const headerBytes = new TextEncoder().encode(json + ' '.repeat(padding)); // aligns the data
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors.values()) {
    out.set(toLittleEndianBytes(tensor.data), position);
    position += tensor.data.byteLength;
  }
  return out;
}

function decodeHalf(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function readValues(view: DataView, start: number, count: number, dtype: string, name: string): Float32Array {
  const out = new Float32Array(count);
  const scratch = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(start + 4 * i, true);
    else if (dtype === 'F16') out[i] = decodeHalf(view.getUint16(start + 2 * i, true));
    else if (dtype === 'BF16') {
      scratch.setUint32(0, view.getUint16(start + 2 * i, true) << 16);
      out[i] = scratch.getFloat32(0);
    } else throw new Error(`safetensors: ${name} has dtype ${dtype}; only F32, F16 and BF16 are supported`);
  }
  return out;
}

const BYTES_PER_VALUE: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** Parses a safetensors file; checks every byte range against the buffer. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) throw new Error(`safetensors: file of ${bytes.length} bytes is too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) {
    throw new Error(`safetensors: header length ${headerLength} runs past the end of the ${bytes.length}-byte file`);
  }
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    const width = BYTES_PER_VALUE[entry.dtype];
    if (!width) throw new Error(`safetensors: ${name} has dtype ${entry.dtype}; only F32, F16 and BF16 are supported`);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = entry.data_offsets;
    if (end - begin !== count * width || dataStart + end > bytes.length) {
      throw new Error(`safetensors: ${name} byte range [${begin}, ${end}) does not fit its shape [${entry.shape.join(', ')}] or the file`);
    }
    tensors.set(name, { shape: entry.shape, data: readValues(view, dataStart + begin, count, entry.dtype, name) });
  }
  return { tensors, metadata };
}
