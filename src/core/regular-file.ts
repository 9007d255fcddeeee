/**
 * Reads a small local file (the agent's token file, the file transport's JSON) without letting the
 * file stall or swamp the process: asynchronously, a regular file only, and at most a byte limit.
 *
 * The type is checked on the opened handle (`fstat`), never by a `stat` of the path first, so a
 * file swapped between the check and the read cannot slip through. The file is opened with
 * `O_NONBLOCK`, so opening a FIFO returns at once (and is then refused) instead of waiting for a
 * writer; `O_NOCTTY` keeps a terminal device from becoming the process's controlling terminal. At
 * most `maxBytes + 1` bytes are read whatever `fstat` claims, because some files (procfs, files
 * still being written) report a size that is not what a read returns.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
/** The first read's buffer when `fstat` reports a size of 0 (procfs): most such files are small. */
const MIN_CHUNK_BYTES = 4096;

/** Why a file was not read. Holds the fs error (path and errno) at most, never the file's bytes. */
export class LocalFileRefused extends Error {
  override readonly name = "LocalFileRefused";
  constructor(
    /** `io`: missing or unreadable; `type`: not a regular file; `size`: over the limit. */
    readonly reason: "io" | "type" | "size",
    /** A value-free description, e.g. `is a FIFO, not a regular file`. */
    readonly detail: string,
    cause?: unknown,
  ) {
    super(detail, cause === undefined ? undefined : { cause });
  }
}

/** What a read returned. */
export interface LocalFile {
  readonly bytes: Buffer;
  /** The `fstat` of the handle that was read, to tell later whether the file changed. */
  readonly mtimeMs: number;
  readonly size: number;
  readonly ino: number;
  readonly dev: number;
}

/** A byte count the way the docs and errors state limits: `64 KiB`, `16 MiB`, else bytes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** A limit for a message, exact in bytes: `64 KiB (65536 bytes)`, `1000 bytes`. */
function limitText(maxBytes: number): string {
  const rounded = formatBytes(maxBytes);
  return rounded === `${maxBytes} bytes` ? rounded : `${rounded} (${maxBytes} bytes)`;
}

/** A path quoted for a message: JSON escaping, so a control character cannot forge a log line. */
export function quotePath(path: string): string {
  return JSON.stringify(path);
}

/** What a file that is not a regular file is, for the message. */
function ioError(verb: string, error: unknown): LocalFileRefused {
  const code = (error as { code?: unknown }).code;
  return new LocalFileRefused("io", `cannot ${verb} it${typeof code === "string" ? ` (${code})` : ""}`, error);
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "a special file";
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them. Throws
 * {@link LocalFileRefused} for a file that cannot be opened, is not a regular file, or holds more
 * than `maxBytes` bytes (checked on `fstat` first, then while reading).
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<LocalFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw ioError("open", error);
  }
  try {
    return await readOpened(handle, maxBytes);
  } catch (error) {
    throw error instanceof LocalFileRefused ? error : ioError("read", error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The read of one opened file, as steps: checks the type and size on its `fstat`, then asks for
 * chunks (`[buffer, offset, length]`, answered with the bytes read) until the end or `maxBytes + 1`
 * bytes. Driven by {@link readRegularFile} (asynchronous) and {@link readRegularFileSync}.
 */
function* reading(stats: Stats, maxBytes: number): Generator<[Buffer, number, number], LocalFile, number> {
  if (!stats.isFile()) throw new LocalFileRefused("type", `is ${kindOf(stats)}, not a regular file`);
  const tooLarge = () => new LocalFileRefused("size", `is larger than the limit of ${limitText(maxBytes)}`);
  if (stats.size > maxBytes) throw tooLarge();
  const limit = maxBytes + 1;
  let buffer = Buffer.alloc(Math.min(limit, Math.max(stats.size + 1, MIN_CHUNK_BYTES)));
  let length = 0;
  // Bounded: every pass reads at least one byte or stops, and `length` never passes `limit`.
  for (;;) {
    if (length === buffer.length) {
      if (length >= limit) break;
      const grown = Buffer.alloc(Math.min(limit, length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer.fill(0);
      buffer = grown;
    }
    const bytesRead: number = yield [buffer, length, buffer.length - length];
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > maxBytes) {
    buffer.fill(0);
    throw tooLarge();
  }
  return {
    bytes: buffer.subarray(0, length),
    mtimeMs: stats.mtimeMs,
    size: stats.size,
    ino: stats.ino,
    dev: stats.dev,
  };
}

async function readOpened(handle: FileHandle, maxBytes: number): Promise<LocalFile> {
  const steps = reading(await handle.stat(), maxBytes);
  for (let step = steps.next(0); ; ) {
    if (step.done) return step.value;
    const [buffer, offset, length] = step.value;
    step = steps.next((await handle.read(buffer, offset, length, null)).bytesRead);
  }
}

/**
 * {@link readRegularFile}, synchronously, for the few reads that must finish before a constructor
 * returns (the shared AWS config file's region). The same checks make it safe to block on: a FIFO or
 * device is refused on open, and at most `maxBytes + 1` bytes are read.
 */
export function readRegularFileSync(path: string, maxBytes: number): LocalFile {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    throw ioError("open", error);
  }
  try {
    const steps = reading(fstatSync(fd), maxBytes);
    for (let step = steps.next(0); ; ) {
      if (step.done) return step.value;
      const [buffer, offset, length] = step.value;
      step = steps.next(readSync(fd, buffer, offset, length, null));
    }
  } catch (error) {
    throw error instanceof LocalFileRefused ? error : ioError("read", error);
  } finally {
    closeSync(fd);
  }
}
