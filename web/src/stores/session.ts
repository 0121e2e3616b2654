// Who is signed in. The server owns the session (HTTP-only cookie); this mirrors /auth/me.
import { create } from 'zustand';
import { ApiError } from '../api/client';
import { auth } from '../api/endpoints';
import type { User } from '../api/types';

interface SessionState {
  user: User | null;
  status: 'unknown' | 'signed_in' | 'signed_out';
  load(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  expired(): void;
}

export const useSession = create<SessionState>((set) => ({
  user: null,
  status: 'unknown',
  async load() {
    try {
      const info = await auth.me();
      set({ user: info.user, status: 'signed_in' });
    } catch (err) {
      if (err instanceof ApiError && err.isNetwork) {
        // Offline at start: keep whatever we had; screens show the connection state.
        set((s) => ({ status: s.user ? 'signed_in' : 'signed_out' }));
      } else set({ user: null, status: 'signed_out' });
    }
  },
  async login(username, password) {
    const info = await auth.login(username, password);
    set({ user: info.user, status: 'signed_in' });
  },
  async logout() {
    try {
      await auth.logout();
    } finally {
      set({ user: null, status: 'signed_out' });
    }
  },
  expired() {
    set({ user: null, status: 'signed_out' });
  },
}));
