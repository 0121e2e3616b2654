// Offline-safe submit queue: entries are persisted before sending, sent in order, retried with
// backoff, and only removed once the server acknowledged them (same idempotency key every time).

export interface QueueError {
  status: number;
  code: string;
  message: string;
}

export interface QueueEntry<B = unknown> {
  /** The idempotency key; also the entry's identity. */
  key: string;
  path: string;
  body: B;
  /** Short human description, e.g. the item id. */
  label: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  /** "rejected": the server refused it (409/422); kept until the user decides. */
  status: 'pending' | 'rejected';
  error?: QueueError;
}

export interface QueueStorage<B = unknown> {
  load(): Promise<QueueEntry<B>[]>;
  save(entries: QueueEntry<B>[]): Promise<void>;
}

export interface QueueSnapshot<B = unknown> {
  entries: readonly QueueEntry<B>[];
  online: boolean;
  sending: boolean;
}

export type Outcome = { type: 'acknowledged'; response: unknown } | { type: 'rejected'; error: QueueError };

export interface SubmitQueueOptions<B> {
  storage: QueueStorage<B>;
  send: (entry: QueueEntry<B>) => Promise<unknown>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => () => void;
  backoff?: (attempts: number) => number;
  online?: boolean;
}

/** 1 s, 2 s, 4 s ... capped at 60 s. */
export function defaultBackoff(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** 409 (conflict) and 422 (invalid) need a person; everything else is worth retrying. */
export function classifyError(err: unknown): { retry: boolean; error: QueueError } {
  const e = err as Partial<QueueError> | null;
  const status = typeof e?.status === 'number' ? e.status : 0;
  const error: QueueError = {
    status,
    code: typeof e?.code === 'string' ? e.code : status === 0 ? 'network' : `http_${status}`,
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
  return { retry: status !== 409 && status !== 422, error };
}

export class SubmitQueue<B = unknown> {
  private entries: QueueEntry<B>[] = [];
  private listeners = new Set<(s: QueueSnapshot<B>) => void>();
  private waiters = new Map<string, ((o: Outcome) => void)[]>();
  private running: Promise<void> | null = null;
  private cancelTimer: (() => void) | null = null;
  private online: boolean;
  private snapshot: QueueSnapshot<B>;
  private readonly opts: Required<Omit<SubmitQueueOptions<B>, 'online'>>;

  constructor(opts: SubmitQueueOptions<B>) {
    this.opts = {
      now: () => Date.now(),
      setTimer: (fn, ms) => {
        const id = setTimeout(fn, ms);
        return () => clearTimeout(id);
      },
      backoff: defaultBackoff,
      ...opts,
    };
    this.online = opts.online ?? true;
    this.snapshot = { entries: [], online: this.online, sending: false };
  }

  async init(): Promise<void> {
    const loaded = await this.opts.storage.load();
    const known = new Set(this.entries.map((e) => e.key));
    this.entries = [...loaded.filter((e) => !known.has(e.key)), ...this.entries];
    this.emit(false);
    void this.flush();
  }

  getSnapshot = (): QueueSnapshot<B> => this.snapshot;

  subscribe = (listener: (s: QueueSnapshot<B>) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Persist a new entry, then try to send it. */
  async enqueue(entry: { key: string; path: string; body: B; label: string }): Promise<void> {
    if (this.entries.some((e) => e.key === entry.key)) return;
    const now = this.opts.now();
    this.entries.push({ ...entry, createdAt: now, attempts: 0, nextAttemptAt: now, status: 'pending' });
    await this.persist();
    void this.flush();
  }

  /** Resolves when the entry is acknowledged or rejected by the server. */
  waitFor(key: string): Promise<Outcome> {
    return new Promise((resolve) => {
      this.waiters.set(key, [...(this.waiters.get(key) ?? []), resolve]);
    });
  }

  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    if (online) {
      // Connectivity is back: do not wait for the backoff to run out.
      const now = this.opts.now();
      for (const e of this.entries) if (e.status === 'pending') e.nextAttemptAt = Math.min(e.nextAttemptAt, now);
    }
    this.emit(this.running !== null);
    if (online) void this.flush();
  }

  /** The user gave up on a rejected entry. */
  async discard(key: string): Promise<void> {
    this.entries = this.entries.filter((e) => e.key !== key);
    await this.persist();
  }

  /** Send a rejected entry again (e.g. after the user fixed the cause). */
  async retry(key: string): Promise<void> {
    const e = this.entries.find((x) => x.key === key);
    if (!e) return;
    e.status = 'pending';
    e.nextAttemptAt = this.opts.now();
    delete e.error;
    await this.persist();
    void this.flush();
  }

  /** Send due entries in order; stop at the first one that must wait. */
  flush(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.run().finally(() => {
      this.running = null;
      this.emit(false);
    });
    return this.running;
  }

  private async run(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    while (this.online) {
      const entry = this.entries.find((e) => e.status === 'pending');
      if (!entry) return;
      const wait = entry.nextAttemptAt - this.opts.now();
      if (wait > 0) {
        this.cancelTimer = this.opts.setTimer(() => void this.flush(), wait);
        return;
      }
      this.emit(true);
      try {
        const response = await this.opts.send(entry);
        this.entries = this.entries.filter((e) => e.key !== entry.key);
        await this.persist();
        this.settle(entry.key, { type: 'acknowledged', response });
      } catch (err) {
        const { retry, error } = classifyError(err);
        entry.attempts += 1;
        entry.error = error;
        if (retry) {
          entry.nextAttemptAt = this.opts.now() + this.opts.backoff(entry.attempts);
          await this.persist();
        } else {
          entry.status = 'rejected';
          await this.persist();
          this.settle(entry.key, { type: 'rejected', error });
        }
      }
    }
  }

  private settle(key: string, outcome: Outcome): void {
    const ws = this.waiters.get(key);
    this.waiters.delete(key);
    ws?.forEach((w) => w(outcome));
  }

  private async persist(): Promise<void> {
    await this.opts.storage.save(this.entries.map((e) => ({ ...e })));
    this.emit(this.running !== null);
  }

  private emit(sending: boolean): void {
    this.snapshot = { entries: this.entries.map((e) => ({ ...e })), online: this.online, sending };
    this.listeners.forEach((l) => l(this.snapshot));
  }
}

/** Storage in a Storage-like object (window.localStorage); survives reloads. */
export function webStorageQueue<B>(store: Pick<Storage, 'getItem' | 'setItem'>, key: string): QueueStorage<B> {
  return {
    async load() {
      try {
        const raw = store.getItem(key);
        const parsed: unknown = raw ? JSON.parse(raw) : [];
        return Array.isArray(parsed) ? (parsed as QueueEntry<B>[]) : [];
      } catch {
        return [];
      }
    },
    async save(entries) {
      store.setItem(key, JSON.stringify(entries));
    },
  };
}

export function memoryQueueStorage<B>(initial: QueueEntry<B>[] = []): QueueStorage<B> & { saved: QueueEntry<B>[] } {
  const s = {
    saved: initial,
    async load() {
      return s.saved.map((e) => ({ ...e }));
    },
    async save(entries: QueueEntry<B>[]) {
      s.saved = entries;
    },
  };
  return s;
}
