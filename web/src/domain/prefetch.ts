// Holds the next task, leased in the background while the current one is worked on, so that a
// submit can show it at once. Framework-free: the caller supplies how to ask the queue.

export interface NextAnswer {
  status: string;
}

type Assigned<A extends NextAnswer> = Extract<A, { status: 'assigned' }>;

interface Pending<A extends NextAnswer> {
  /** The item being worked on when the prefetch was asked for. */
  after: number;
  answer: Promise<A | null>;
}

export interface PrefetchOptions<A extends NextAnswer> {
  /** Ask the queue for a task other than the `exclude`d items. */
  fetchNext(exclude: readonly number[]): Promise<A>;
  /** Hand a lease back (the person left before using it). */
  release?(leaseId: number): Promise<unknown>;
  /** Called once the task is ready, e.g. to warm the browser cache with its media. */
  warm?(task: Assigned<A>): void;
  now?(): number;
  /** A lease that ends sooner than this is not worth showing: ask the queue again instead. */
  marginMs?: number;
}

function itemIdOf(answer: NextAnswer): number | null {
  return (answer as { item?: { id?: unknown } }).item?.id as number | null ?? null;
}

function leaseOf(answer: NextAnswer): { id: number; expires_at: string } | null {
  return (answer as { lease?: { id: number; expires_at: string } | null }).lease ?? null;
}

export class NextTaskPrefetcher<A extends NextAnswer> {
  private pending: Pending<A> | null = null;
  private readonly opts: PrefetchOptions<A>;

  constructor(opts: PrefetchOptions<A>) {
    this.opts = opts;
  }

  /** Start leasing the task after `current` (once per current item). */
  start(current: number): void {
    if (this.pending?.after === current) return;
    this.drop();
    const answer = this.opts.fetchNext([current]).then(
      (a) => {
        if (a.status !== 'assigned' || itemIdOf(a) === current) return null;
        this.opts.warm?.(a as Assigned<A>);
        return a;
      },
      () => null,
    );
    this.pending = { after: current, answer };
  }

  /** Whether a prefetch for the task after `current` was started. */
  has(current: number): boolean {
    return this.pending?.after === current;
  }

  /**
   * The prefetched task that follows `current`, or null (none asked, the queue had nothing, or
   * its lease is about to end): the caller then asks the queue itself. Either way it is used up.
   */
  async take(current: number): Promise<Assigned<A> | null> {
    const pending = this.pending;
    this.pending = null;
    if (!pending || pending.after !== current) {
      if (pending) this.releaseWhenReady(pending);
      return null;
    }
    const answer = await pending.answer;
    if (!answer) return null;
    const lease = leaseOf(answer);
    const now = this.opts.now?.() ?? Date.now();
    if (lease && Date.parse(lease.expires_at) - now < (this.opts.marginMs ?? 5000)) return null;
    return answer as Assigned<A>;
  }

  /** Forget any prefetched task, giving its lease back. */
  drop(): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) this.releaseWhenReady(pending);
  }

  private releaseWhenReady(pending: Pending<A>): void {
    void pending.answer.then((a) => {
      const lease = a && leaseOf(a);
      if (lease) void this.opts.release?.(lease.id)?.catch?.(() => undefined);
    });
  }
}
