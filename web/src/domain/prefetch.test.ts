import { describe, expect, it, vi } from 'vitest';
import { NextTaskPrefetcher } from './prefetch';

type Next =
  | { status: 'assigned'; item: { id: number }; lease: { id: number; expires_at: string } }
  | { status: 'empty' }
  | { status: 'all_leased'; retry_after: number };

const NOW = Date.parse('2026-01-01T00:00:00Z');
const later = (s: number) => new Date(NOW + s * 1000).toISOString();
const assigned = (item: number, lease = item * 10, expiresIn = 1800): Next => ({ status: 'assigned', item: { id: item }, lease: { id: lease, expires_at: later(expiresIn) } });

function make(answers: Next[] | ((exclude: readonly number[]) => Promise<Next>)) {
  const queue = Array.isArray(answers) ? [...answers] : null;
  const fetchNext = vi.fn(async (exclude: readonly number[]) => (queue ? queue.shift()! : (answers as (e: readonly number[]) => Promise<Next>)(exclude)));
  const release = vi.fn(async () => undefined);
  const warm = vi.fn();
  const p = new NextTaskPrefetcher<Next>({ fetchNext, release, warm, now: () => NOW });
  return { p, fetchNext, release, warm };
}

describe('NextTaskPrefetcher', () => {
  it('leases the next task once per current item, excluding it, and hands it over once', async () => {
    const { p, fetchNext, warm } = make([assigned(2)]);
    p.start(1);
    p.start(1);
    expect(fetchNext).toHaveBeenCalledTimes(1);
    expect(fetchNext).toHaveBeenCalledWith([1]);
    expect(await p.take(1)).toEqual(assigned(2));
    expect(warm).toHaveBeenCalledTimes(1);
    expect(await p.take(1)).toBeNull();
  });

  it('answers null when the queue is empty or all leased, so the caller asks after submit', async () => {
    for (const answer of [{ status: 'empty' } as Next, { status: 'all_leased', retry_after: 5 } as Next]) {
      const { p, warm } = make([answer]);
      p.start(1);
      expect(await p.take(1)).toBeNull();
      expect(warm).not.toHaveBeenCalled();
    }
  });

  it('ignores a server that hands back the current item, and failed requests', async () => {
    const same = make([assigned(1)]);
    same.p.start(1);
    expect(await same.p.take(1)).toBeNull();
    const failing = make(async () => Promise.reject(new Error('offline')));
    failing.p.start(1);
    expect(await failing.p.take(1)).toBeNull();
  });

  it('waits for a prefetch still in flight', async () => {
    let resolve!: (n: Next) => void;
    const { p } = make(() => new Promise<Next>((r) => (resolve = r)));
    p.start(1);
    const taken = p.take(1);
    resolve(assigned(3));
    expect(await taken).toEqual(assigned(3));
  });

  it('does not show a task whose lease is about to end', async () => {
    const { p } = make([assigned(2, 20, 2)]);
    p.start(1);
    expect(await p.take(1)).toBeNull();
  });

  it('releases the lease of a task that is not used', async () => {
    const { p, release, fetchNext } = make([assigned(2), assigned(4)]);
    p.start(1);
    p.start(3); // the person moved on without using it
    expect(fetchNext).toHaveBeenLastCalledWith([3]);
    await vi.waitFor(() => expect(release).toHaveBeenCalledWith(20));
    expect(await p.take(9)).toBeNull();
    await vi.waitFor(() => expect(release).toHaveBeenCalledWith(40));
    p.drop();
    expect(p.has(3)).toBe(false);
  });
});
