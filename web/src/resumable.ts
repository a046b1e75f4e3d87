// Large files go up in pieces: a broken connection loses at most the piece in flight. The
// browser asks the server how much it has and goes on from there, retrying with growing pauses;
// the upload's id is kept in the browser, so that choosing the same file again after a reload
// (or a crash) continues it rather than starting over.
import { ApiError, get, post, request, upload } from './api';

export const pieceBytes = 1 << 20;
export const resumableFrom = 2 * pieceBytes;

interface Upload {
  id: string;
  size: number;
  received: number;
}

const keyOf = (file: File) => `athar.upload:${file.name}:${file.size}:${file.lastModified}`;

const put = (id: string, offset: number, piece: Blob): Promise<Upload> =>
  upload(`/api/uploads/${id}?offset=${offset}`, piece, undefined, 'PUT');

// Sends `file` in pieces and stores it as evidence with `intake` (collected_by, collected_at,
// site, ...); `onProgress` hears the bytes the server has. Gives up after `attempts` failures in
// a row, keeping the upload to be continued later.
export async function uploadInPieces(
  file: File,
  intake: Record<string, string>,
  onProgress: (received: number, total: number) => void,
  attempts = 8,
): Promise<any> {
  let upload: Upload | null = null;
  const kept = localStorage.getItem(keyOf(file));
  if (kept) {
    try {
      upload = await get<Upload>(`/api/uploads/${kept}`);
    } catch {
      upload = null;  // finished, or not this account's: begin again
    }
  }
  if (!upload) {
    upload = await post<Upload>('/api/uploads', { file_name: file.name, size: file.size });
    localStorage.setItem(keyOf(file), upload.id);
  }
  let failures = 0;
  let received = upload.received;
  onProgress(received, file.size);
  while (received < file.size) {
    try {
      const piece = file.slice(received, Math.min(file.size, received + pieceBytes));
      received = (await put(upload.id, received, piece)).received;
      failures = 0;
      onProgress(received, file.size);
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0 && error.status !== 409 && error.status < 500) throw error;
      if (++failures >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(8000, 250 * 2 ** failures)));
      // Where the server stands now (the lost piece may have arrived after all).
      received = (await get<Upload>(`/api/uploads/${upload.id}`)).received;
    }
  }
  const stored = await request('POST', `/api/uploads/${upload.id}/evidence`, intake);
  localStorage.removeItem(keyOf(file));
  return stored;
}
