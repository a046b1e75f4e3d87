// The HTTP API of `athar serve`, with the session cookie and the CSRF token every write carries.
// A failed call throws ApiError with the server's message (which names the record, field and
// value), shown to the user as it is.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

let csrf = sessionStorage.getItem('athar.csrf') ?? '';

export function setCsrf(token: string): void {
  csrf = token;
  sessionStorage.setItem('athar.csrf', token);
}

async function failure(response: Response): Promise<ApiError> {
  let kind = 'error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    kind = body.error ?? kind;
    message = body.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, kind, message);
}

export async function request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const get = <T = any>(path: string) => request<T>('GET', path);
export const post = <T = any>(path: string, body: unknown = {}) => request<T>('POST', path, body);

export async function bytes(path: string): Promise<ArrayBuffer> {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  return response.arrayBuffer();
}

// Sends a file (or a piece of one) as a request's body with progress (fetch cannot report
// upload progress). A broken connection is an ApiError of status 0.
export function upload(
  path: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void = () => undefined,
  method = 'POST',
): Promise<any> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the connection failed during the upload'));
    xhr.onload = () => {
      let body: any = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = { message: xhr.statusText };
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body.error ?? 'error', body.message ?? xhr.statusText));
    };
    xhr.send(file);
  });
}

export interface SignedIn {
  name: string;
  role: string;
  csrf?: string;
}

// Every page of a paged list (`after` cursor).
export async function all<T = any>(path: string, pageSize = 1000): Promise<T[]> {
  const out: T[] = [];
  let after: number | undefined;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get<{ records: T[]; next_after?: number }>(
      `${path}${sep}limit=${pageSize}${after === undefined ? '' : `&after=${after}`}`,
    );
    out.push(...page.records);
    if (page.records.length < pageSize || page.next_after === undefined) return out;
    after = page.next_after;
  }
}
