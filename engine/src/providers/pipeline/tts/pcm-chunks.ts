/** Re-chunks a byte stream into whole 16-bit samples (an odd byte waits for the next chunk). */
export async function* evenChunks(source: AsyncIterable<Uint8Array>, signal: AbortSignal): AsyncIterable<Buffer> {
  let carry: Buffer | undefined;
  for await (const part of source) {
    if (signal.aborted) return;
    let buf = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    if (carry) {
      buf = Buffer.concat([carry, buf]);
      carry = undefined;
    }
    if (buf.length & 1) {
      carry = Buffer.from(buf.subarray(buf.length - 1));
      buf = buf.subarray(0, buf.length - 1);
    }
    if (buf.length) yield Buffer.from(buf);
  }
}

/** A web ReadableStream as an async iterable (Node 20's typings lack the async iterator). */
export async function* readStream(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
