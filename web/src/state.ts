// Who is signed in (null: no one), shared by the pages.
import type { SignedIn } from './api';

let current: SignedIn | null = null;

export function session(): SignedIn | null {
  return current;
}

export function setSession(next: SignedIn | null): void {
  current = next;
}

const writers = new Set(['admin', 'investigator']);
export const mayWriteRecords = () => writers.has(current?.role ?? '');
export const mayRevealWitnesses = () => writers.has(current?.role ?? '');
export const mayAddEvidence = () => writers.has(current?.role ?? '');
export const mayReadRecords = () => !!current && current.role !== 'viewer';
export const mayRunAnalyses = () => current?.role === 'admin' || current?.role === 'analyst';
export const mayReadLedger = () => ['admin', 'investigator', 'analyst'].includes(current?.role ?? '');
export const mayImport = () => ['admin', 'investigator', 'liaison'].includes(current?.role ?? '');
