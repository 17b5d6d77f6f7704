const decoder = new TextDecoder();

/**
 * Reads a body of at most `limit` bytes; `undefined` as soon as it is larger, so nothing
 * past the limit is ever held. Used for the page's requests and for Superfone's answers.
 */
export async function readLimitedText(body: ReadableStream<Uint8Array> | null, limit: number, declaredLength: string | null): Promise<string | undefined> {
  const declared = Number(declaredLength);
  if (declaredLength !== null && Number.isFinite(declared) && declared > limit) {
    await body?.cancel().catch(() => {});
    return undefined;
  }
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  // Most bodies arrive in one chunk: no copy then.
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(bytes);
}
