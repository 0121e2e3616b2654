// Thin fetch wrapper for the Truthline REST API: cookies, CSRF header, typed errors.

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** Any non-2xx answer from the API, or a network failure (status 0, code "network"). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const API_PREFIX = '/api/v1';

export function readCookie(cookieString: string, name: string): string | null {
  for (const part of cookieString.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const err = (value as { error: unknown }).error;
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (proxy error page, empty body): fall through to a generic error.
  }
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    return new ApiError(res.status, code, message || code, details ?? {});
  }
  // FastAPI's default validation body: {"detail": [...]}
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    const message = typeof detail === 'string' ? detail : 'Invalid request';
    return new ApiError(res.status, res.status === 422 ? 'invalid_input' : 'error', message, { detail });
  }
  return new ApiError(res.status, `http_${res.status}`, res.statusText || `HTTP ${res.status}`);
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the request even if the page unloads (small bodies only). */
  keepalive?: boolean;
}

export interface ClientConfig {
  baseUrl?: string;
  fetchImpl?: typeof fetch;
  cookies?: () => string;
  onUnauthorized?: () => void;
}

export function buildUrl(base: string, path: string, query?: RequestOptions['query']): string {
  let url = `${base}${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  return url;
}

export type ApiClient = ReturnType<typeof createClient>;

export function createClient(config: ClientConfig = {}) {
  const base = config.baseUrl ?? API_PREFIX;
  const doFetch = config.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const cookies = config.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));

  function csrfHeaders(method: string): Record<string, string> {
    if (!UNSAFE.has(method)) return {};
    const token = readCookie(cookies(), 'tl_csrf');
    return token ? { 'X-CSRF-Token': token } : {};
  }

  async function raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...csrfHeaders(method), ...opts.headers };
    let body: BodyInit | undefined;
    if (opts.body instanceof FormData) {
      body = opts.body;
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let res: Response;
    try {
      res = await doFetch(buildUrl(base, path, opts.query), {
        method,
        headers,
        body,
        credentials: 'include',
        signal: opts.signal,
        keepalive: opts.keepalive,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'network', 'Network unreachable');
    }
    if (!res.ok) {
      const error = await toApiError(res);
      if (res.status === 401) config.onUnauthorized?.();
      throw error;
    }
    return res;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await raw(method, path, opts);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    raw,
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
    del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    /** Multipart upload with progress (fetch has no upload progress). */
    upload<T>(path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', buildUrl(base, path));
        xhr.withCredentials = true;
        xhr.setRequestHeader('Accept', 'application/json');
        for (const [k, v] of Object.entries(csrfHeaders('POST'))) xhr.setRequestHeader(k, v);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress?.(e.loaded / e.total);
        };
        xhr.onerror = () => reject(new ApiError(0, 'network', 'Network unreachable'));
        xhr.onload = () => {
          const res = new Response(xhr.responseText || null, {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: { 'Content-Type': xhr.getResponseHeader('Content-Type') ?? 'application/json' },
          });
          if (res.ok) {
            onProgress?.(1);
            res.text().then((t) => resolve((t ? JSON.parse(t) : undefined) as T), reject);
          } else {
            toApiError(res).then(reject, reject);
          }
        };
        xhr.send(form);
      });
    },
  };
}

/** The app-wide client; the session layer sets onUnauthorized. */
export const api = createClient({
  onUnauthorized: () => window.dispatchEvent(new CustomEvent('tl:unauthorized')),
});
