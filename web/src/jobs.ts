// A long job of the server (verify, import, estimate, bundle): started by one call, then its
// progress shown as a bar with the phase, a Cancel button, and its result or error when done.
import { ApiError, get, request } from './api';
import { clear, h } from './dom';
import { num, t } from './i18n';
import { problem } from './ui';

export interface Job {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  phase: string;
  result?: any;
  error?: { message?: string; problems?: any[]; count?: number } | string;
}

// Follows the job in `box` until it ends; resolves with its result (rejects when it failed or
// was cancelled, with the server's words).
export async function followJob(box: HTMLElement, started: Job): Promise<any> {
  const bar = h('progress', { max: 1, value: 0, 'aria-label': started.kind }) as HTMLProgressElement;
  const phase = h('span', { class: 'muted' });
  const cancel = h('button', { type: 'button', class: 'secondary job-cancel' }, t('cancel'));
  let cancelled = false;
  cancel.addEventListener('click', async () => {
    cancelled = true;
    await request('DELETE', `/api/jobs/${started.id}`).catch(() => undefined);
  });
  clear(box, h('div', { class: 'job', 'data-job': started.id, 'aria-live': 'polite' }, bar, ' ', phase, ' ', cancel));
  let job = started;
  for (;;) {
    bar.value = job.progress ?? 0;
    phase.textContent = `${job.phase || job.state} ${num(Math.round((job.progress ?? 0) * 100))}%`;
    if (job.state === 'done') {
      clear(box);
      return job.result;
    }
    if (job.state === 'failed' || job.state === 'cancelled') {
      const message = typeof job.error === 'string' ? job.error : job.error?.message ?? job.state;
      const error = new ApiError(0, job.state, cancelled && job.state === 'cancelled' ? t('job_cancelled') : message);
      // The server's whole error (a list of problems, each with row, field and value) goes with it.
      (error as any).detail = typeof job.error === 'object' ? job.error : undefined;
      clear(box, problem(error));
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    job = await get<Job>(`/api/jobs/${started.id}`);
  }
}
