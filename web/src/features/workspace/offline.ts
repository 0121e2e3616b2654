// The app's one submit queue (persisted in localStorage) and the browser's connection state.
import { useSyncExternalStore } from 'react';
import { items } from '../../api/endpoints';
import type { SubmitBody } from '../../api/types';
import { SubmitQueue, webStorageQueue, type QueueSnapshot } from '../../domain/submitQueue';

const STORAGE_KEY = 'truthline.submit-queue.v1';

export const submitQueue = new SubmitQueue<SubmitBody>({
  storage: webStorageQueue<SubmitBody>(window.localStorage, STORAGE_KEY),
  send: (entry) => items.submit(entry.path, entry.body),
  online: navigator.onLine,
});

let started: Promise<void> | null = null;

/** Load persisted entries once and follow the browser's online/offline events. */
export function startSubmitQueue(): Promise<void> {
  if (!started) {
    window.addEventListener('online', () => submitQueue.setOnline(true));
    window.addEventListener('offline', () => submitQueue.setOnline(false));
    // Another tab may have queued or sent entries.
    window.addEventListener('storage', (e) => {
      if (e.key === STORAGE_KEY) void submitQueue.init();
    });
    started = submitQueue.init();
  }
  return started;
}

export function useSubmitQueue(): QueueSnapshot<SubmitBody> {
  return useSyncExternalStore(submitQueue.subscribe, submitQueue.getSnapshot);
}

/** Pending entries of one project (sent before asking the queue for more work). */
export function pendingFor(snapshot: QueueSnapshot<SubmitBody>, projectId: number): number {
  return snapshot.entries.filter((e) => e.status === 'pending' && e.path.startsWith(`/projects/${projectId}/`)).length;
}

// ---- local copies of drafts: a reload or a crash never loses what was typed ------------------

const draftKey = (projectId: number, itemId: number) => `truthline.draft.${projectId}.${itemId}`;

export interface LocalDraft {
  result: Record<string, unknown>;
  savedAt: number;
}

export function saveLocalDraft(projectId: number, itemId: number, result: Record<string, unknown>): void {
  try {
    window.localStorage.setItem(draftKey(projectId, itemId), JSON.stringify({ result, savedAt: Date.now() }));
  } catch {
    // Storage full or disabled: the server draft still covers us.
  }
}

export function loadLocalDraft(projectId: number, itemId: number): LocalDraft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(projectId, itemId));
    const parsed = raw ? (JSON.parse(raw) as LocalDraft) : null;
    return parsed && typeof parsed.result === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

export function clearLocalDraft(projectId: number, itemId: number): void {
  window.localStorage.removeItem(draftKey(projectId, itemId));
}
