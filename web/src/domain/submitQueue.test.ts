import { describe, expect, it } from 'vitest';
import { SubmitQueue, classifyError, defaultBackoff, memoryQueueStorage, webStorageQueue, type QueueEntry } from './submitQueue';

interface Harness {
  q: SubmitQueue<{ n: number }>;
  storage: ReturnType<typeof memoryQueueStorage<{ n: number }>>;
  sent: string[];
  timers: { fn: () => void; at: number }[];
  clock: { t: number };
  responses: ((entry: QueueEntry<{ n: number }>) => unknown)[];
}

function harness(opts: { online?: boolean; initial?: QueueEntry<{ n: number }>[] } = {}): Harness {
  const clock = { t: 1000 };
  const timers: Harness['timers'] = [];
  const sent: string[] = [];
  const responses: Harness['responses'] = [];
  const storage = memoryQueueStorage<{ n: number }>(opts.initial ?? []);
  const q = new SubmitQueue<{ n: number }>({
    storage,
    online: opts.online ?? true,
    now: () => clock.t,
    setTimer: (fn, ms) => {
      const t = { fn, at: clock.t + ms };
      timers.push(t);
      return () => timers.splice(timers.indexOf(t), 1);
    },
    send: async (entry) => {
      sent.push(entry.key);
      const r = responses.shift();
      return r ? r(entry) : { ok: entry.key };
    },
  });
  return { q, storage, sent, timers, clock, responses };
}

const httpError = (status: number) => () => {
  throw Object.assign(new Error(`HTTP ${status}`), { status, code: `c${status}` });
};
const entry = (key: string) => ({ key, path: `/items/${key}/annotations`, body: { n: 1 }, label: key });

describe('SubmitQueue', () => {
  it('persists before sending and removes on acknowledgement', async () => {
    const h = harness();
    const done = h.q.waitFor('a');
    await h.q.enqueue(entry('a'));
    await h.q.flush();
    expect(h.sent).toEqual(['a']);
    expect(await done).toEqual({ type: 'acknowledged', response: { ok: 'a' } });
    expect(h.storage.saved).toEqual([]);
  });

  it('keeps entries while offline and sends them in order, same key, when back', async () => {
    const h = harness({ online: false });
    await h.q.enqueue(entry('a'));
    await h.q.enqueue(entry('b'));
    await h.q.flush();
    expect(h.sent).toEqual([]);
    expect(h.storage.saved.map((e) => e.key)).toEqual(['a', 'b']);
    expect(h.q.getSnapshot().online).toBe(false);
    h.q.setOnline(true);
    await h.q.flush();
    expect(h.sent).toEqual(['a', 'b']);
    expect(h.q.getSnapshot().entries).toHaveLength(0);
  });

  it('retries network and 5xx failures with backoff, blocking later entries', async () => {
    const h = harness();
    h.responses.push(httpError(0), httpError(503));
    await h.q.enqueue(entry('a'));
    await h.q.enqueue(entry('b'));
    await h.q.flush();
    expect(h.sent).toEqual(['a']);
    expect(h.timers[0]!.at).toBe(1000 + 1000);
    h.clock.t = 2000;
    h.timers.shift()!.fn();
    await h.q.flush();
    expect(h.sent).toEqual(['a', 'a']);
    expect(h.timers[0]!.at).toBe(2000 + 2000);
    h.clock.t = 4000;
    h.timers.shift()!.fn();
    await h.q.flush();
    expect(h.sent).toEqual(['a', 'a', 'a', 'b']);
    expect(h.storage.saved).toEqual([]);
  });

  it('never drops an entry on other 4xx (e.g. 401 after the session expired)', async () => {
    const h = harness();
    h.responses.push(httpError(401), httpError(403));
    await h.q.enqueue(entry('a'));
    await h.q.flush();
    expect(h.storage.saved.map((e) => [e.key, e.status, e.error?.status])).toEqual([['a', 'pending', 401]]);
    h.clock.t += 10_000;
    await h.q.flush();
    expect(h.storage.saved.map((e) => [e.key, e.status, e.attempts])).toEqual([['a', 'pending', 2]]);
    h.clock.t += 10_000;
    await h.q.flush();
    expect(h.storage.saved).toEqual([]);
  });

  it('surfaces 409/422 as rejected, keeps them, and moves on', async () => {
    const h = harness();
    h.responses.push(httpError(409));
    const outcome = h.q.waitFor('a');
    await h.q.enqueue(entry('a'));
    await h.q.enqueue(entry('b'));
    await h.q.flush();
    expect(await outcome).toMatchObject({ type: 'rejected', error: { status: 409, code: 'c409' } });
    expect(h.sent).toEqual(['a', 'b']);
    expect(h.storage.saved.map((e) => [e.key, e.status])).toEqual([['a', 'rejected']]);
    await h.q.retry('a');
    await h.q.flush();
    expect(h.storage.saved).toEqual([]);
  });

  it('discard removes a rejected entry', async () => {
    const h = harness();
    h.responses.push(httpError(422));
    await h.q.enqueue(entry('a'));
    await h.q.flush();
    await h.q.discard('a');
    expect(h.storage.saved).toEqual([]);
  });

  it('reloads persisted entries and sends them', async () => {
    const first = harness({ online: false });
    await first.q.enqueue(entry('a'));
    const second = harness({ initial: first.storage.saved });
    await second.q.init();
    await second.q.flush();
    expect(second.sent).toEqual(['a']);
  });

  it('ignores a duplicate enqueue of the same key', async () => {
    const h = harness({ online: false });
    await h.q.enqueue(entry('a'));
    await h.q.enqueue(entry('a'));
    expect(h.q.getSnapshot().entries).toHaveLength(1);
  });

  it('notifies subscribers', async () => {
    const h = harness({ online: false });
    const counts: number[] = [];
    h.q.subscribe((s) => counts.push(s.entries.length));
    await h.q.enqueue(entry('a'));
    h.q.setOnline(true);
    await h.q.flush();
    expect(counts[0]).toBe(1);
    expect(counts.at(-1)).toBe(0);
  });
});

describe('helpers', () => {
  it('backs off exponentially up to a minute', () => {
    expect([1, 2, 3, 10].map(defaultBackoff)).toEqual([1000, 2000, 4000, 60000]);
  });

  it('classifies errors', () => {
    expect(classifyError({ status: 409, code: 'conflict', message: 'x' }).retry).toBe(false);
    expect(classifyError({ status: 422 }).retry).toBe(false);
    expect(classifyError({ status: 400 }).retry).toBe(true);
    expect(classifyError(new TypeError('fetch failed')).error.code).toBe('network');
  });

  it('stores entries in web storage', async () => {
    const s = webStorageQueue<{ n: number }>(window.localStorage, 'test-queue');
    await s.save([{ ...entry('a'), createdAt: 1, attempts: 0, nextAttemptAt: 1, status: 'pending' }]);
    expect((await s.load())[0]!.key).toBe('a');
    window.localStorage.setItem('test-queue', '{broken');
    expect(await s.load()).toEqual([]);
  });
});
