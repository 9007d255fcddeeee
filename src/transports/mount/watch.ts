/**
 * Tells listeners when a mounted volume changed: `fs.watch` on the directory for a prompt signal,
 * and a poll that costs one `readlink` of `..data` (one `stat` of the directory for a plain one)
 * every `pollIntervalMs`, for when the watcher is unavailable or misses an event. Both only trigger
 * a check; a listener is called when the check finds `..data` pointing somewhere new (or, in a plain
 * directory, when its entries or a watched file changed). Several swaps between two checks are one
 * notification. Nothing runs while there is no listener, and neither the watcher nor the timer keeps
 * the process alive.
 */
import { type FSWatcher, watch } from "node:fs";
import { readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import { DATA_LINK } from "./volume.js";

/** What identifies the volume's current content, cheaply. */
async function signature(dir: string): Promise<string> {
  try {
    return `data:${await readlink(join(dir, DATA_LINK))}`;
  } catch {
    // No ..data (a plain directory), or not a link: its entries' changes show in its mtime.
  }
  try {
    const stats = await stat(dir);
    return `dir:${stats.dev}:${stats.ino}:${stats.mtimeMs}:${stats.ctimeMs}`;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return `missing:${typeof code === "string" ? code : "?"}`;
  }
}

/** The change notifications of one volume, shared by all its listeners. */
export class VolumeWatch {
  readonly #dir: string;
  readonly #pollIntervalMs: number;
  readonly #useWatcher: boolean;
  readonly #listeners = new Set<() => void>();
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The signature last seen; `undefined` until the first check settles. */
  #last: string | undefined;
  /** A check is running; `#again` asks for one more when it ends. */
  #checking = false;
  #again = false;
  /** A watcher event arrived since the last check started. */
  #event = false;
  /** A watcher event named a visible entry (not `..`-something) since the last check started. */
  #visibleEvent = false;
  /** Bumped by every start and stop, so a check of an earlier run notifies nobody. */
  #generation = 0;

  constructor(dir: string, pollIntervalMs: number, useWatcher: boolean) {
    this.#dir = dir;
    this.#pollIntervalMs = pollIntervalMs;
    this.#useWatcher = useWatcher;
  }

  /** Adds a listener; the returned function removes it (once; later calls do nothing). */
  subscribe(onChange: () => void): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const listener = (): void => onChange();
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#stop();
    };
  }

  /** Removes every listener and stops the watcher and the timer. */
  close(): void {
    this.#listeners.clear();
    this.#stop();
  }

  #start(): void {
    this.#generation++;
    this.#last = undefined;
    this.#event = false;
    this.#visibleEvent = false;
    this.#startWatcher();
    this.#timer = setInterval(() => {
      if (this.#watcher === undefined) this.#startWatcher();
      this.#check();
    }, this.#pollIntervalMs);
    this.#timer.unref();
    this.#check();
  }

  #stop(): void {
    this.#generation++;
    this.#watcher?.close();
    this.#watcher = undefined;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #startWatcher(): void {
    if (!this.#useWatcher) return;
    try {
      const watcher = watch(this.#dir, { persistent: false }, (_event, filename) => {
        this.#event = true;
        if (typeof filename !== "string" || !filename.startsWith("..")) this.#visibleEvent = true;
        this.#check();
      });
      watcher.on("error", () => {
        // The directory went away, or the watcher broke: the poll carries on, and starts a new one.
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = undefined;
      });
      this.#watcher = watcher;
    } catch {
      // No such directory yet, or no watches left (ENOSPC): the poll covers it, and tries again.
      this.#watcher = undefined;
    }
  }

  /** Compares the signature with the last one, and notifies on a change. One check at a time. */
  #check(): void {
    if (this.#checking) {
      this.#again = true;
      return;
    }
    this.#checking = true;
    this.#again = false;
    const generation = this.#generation;
    const event = this.#event;
    const visibleEvent = this.#visibleEvent;
    this.#event = false;
    this.#visibleEvent = false;
    void signature(this.#dir).then((current) => {
      this.#checking = false;
      if (generation === this.#generation) {
        const previous = this.#last;
        this.#last = current;
        // The first check only sets the baseline, unless a watcher event came in before it ended (a
        // swap then may be in the baseline already). In a plain directory, a file edited in place
        // leaves the signature alone: its watcher event is the signal.
        const changed =
          previous === undefined
            ? event || this.#event
            : previous !== current || (visibleEvent && !current.startsWith("data:"));
        if (changed) this.#notify();
      }
      if (this.#again && this.#timer !== undefined) this.#check();
    });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own: the others are still told. Its error is dropped, since it
        // may quote what the listener read.
      }
    }
  }
}
