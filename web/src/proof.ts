// Checks in the browser, with WebCrypto, that a record's ledger entry is in a checkpoint the log
// signed: the leaf hash recomputed from the entry's text, the RFC 9162 inclusion proof walked to
// the root, the root compared with the signed checkpoint's, the checkpoint's Ed25519 signature
// checked against the verifier key, and the record's canonical form hashed to the entry's
// sha256. Nothing the server says is taken on trust but the verifier key, which the browser pins
// on first sight and which a court can compare with the published one.
import { bytes, get, post } from './api';

const encoder = new TextEncoder();

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.trim());
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; ++i) out[i] = binary.charCodeAt(i);
  return out;
}

function hex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const joined = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', joined));
}

export const leafHash = (entry: string) => sha256(new Uint8Array([0]), encoder.encode(entry));
const nodeHash = (left: Uint8Array, right: Uint8Array) => sha256(new Uint8Array([1]), left, right);

// RFC 9162 section 2.1.3.2.
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: Uint8Array[],
): Promise<Uint8Array | null> {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

export interface VerifierKey {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
  text: string;
}

export function parseVerifierKey(text: string): VerifierKey {
  // name+hex key id+base64 key; the base64 may itself hold '+'.
  const found = text.trim().match(/^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/);
  if (!found) throw new Error(`not a verifier key: ${text}`);
  const parts = found.slice(1);
  const typed = fromBase64(parts[2]);
  if (typed.length !== 33 || typed[0] !== 1) throw new Error('not an Ed25519 verifier key');
  const keyId = Uint8Array.from(parts[1].match(/../g) ?? [], (b) => parseInt(b, 16));
  return { name: parts[0], keyId, publicKey: typed.slice(1), text: text.trim() };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
}

// A C2SP signed note signed by `key`: its body's origin, size and root; throws when the note is
// malformed or no signature by the key verifies.
export async function openCheckpoint(note: string, key: VerifierKey): Promise<Checkpoint> {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signature block');
  const body = note.slice(0, split + 1);
  const expectedId = (await sha256(encoder.encode(key.name + '\n'), new Uint8Array([1]), key.publicKey)).slice(0, 4);
  if (!equal(expectedId, key.keyId)) throw new Error('the verifier key id does not match its key');
  const cryptoKey = await crypto.subtle.importKey('raw', key.publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  let verified = false;
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith('— ')) continue;
    const [name, stamp] = line.slice(2).split(' ');
    if (name !== key.name || !stamp) continue;
    const stamped = fromBase64(stamp);
    if (stamped.length !== 68 || !equal(stamped.slice(0, 4), key.keyId)) continue;
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, cryptoKey, stamped.slice(4) as BufferSource, encoder.encode(body) as BufferSource);
    if (!ok) throw new Error('the checkpoint signature does not verify');
    verified = true;
  }
  if (!verified) throw new Error(`the checkpoint is not signed by ${key.name}`);
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3 || !/^\d+$/.test(lines[1])) throw new Error('malformed checkpoint body');
  return { origin: lines[0], size: Number(lines[1]), root: fromBase64(lines[2]) };
}

// The server's verifier key, pinned in this browser the first time it is seen.
export async function pinnedKey(): Promise<{ key: VerifierKey; changed: boolean }> {
  const served = parseVerifierKey((await get<{ verifier_key: string }>('/api/ledger/key')).verifier_key);
  const pinned = localStorage.getItem('athar.verifier_key');
  if (!pinned) localStorage.setItem('athar.verifier_key', served.text);
  return { key: pinned ? parseVerifierKey(pinned) : served, changed: !!pinned && pinned !== served.text };
}

export interface ProofResult {
  ok: boolean;
  pending?: boolean;
  entry: number;
  size?: number;
  key?: string;
  problem?: string;
}

interface StoredCheckpoint {
  num: number;
  size: number;
  note: string;
}

// Proves the ledger entry `entry` that vouches for an evidence record, and that the file's bytes
// hash to what that record says. `signIfNeeded`: ask the server to sign a checkpoint when none
// covers the entry yet (roles that write records may).
// `content`: the file's bytes when the caller has them already (a thumbnail); fetched otherwise.
export async function proveEvidence(evidenceId: string, entry: number, signIfNeeded: boolean, content?: ArrayBuffer): Promise<ProofResult> {
  const { key, changed } = await pinnedKey();
  if (changed) return { ok: false, entry, problem: 'key_changed' };
  let checkpoints = await get<StoredCheckpoint[]>('/api/ledger/checkpoints');
  let covering = checkpoints.filter((c) => c.size > entry).sort((a, b) => a.size - b.size)[0];
  if (!covering && signIfNeeded) {
    await post('/api/ledger/checkpoints', {});
    checkpoints = await get<StoredCheckpoint[]>('/api/ledger/checkpoints');
    covering = checkpoints.filter((c) => c.size > entry).sort((a, b) => a.size - b.size)[0];
  }
  if (!covering) return { ok: false, pending: true, entry };
  const checkpoint = await openCheckpoint(covering.note, key);
  const fetched = await get<{ text: string; version?: string }>(`/api/ledger/entries/${entry}`);
  const text = fetched.text;
  const parsed = JSON.parse(text);
  if (parsed.record !== evidenceId) return { ok: false, entry, problem: `entry ${entry} is about ${parsed.record}` };
  const proof = await get<{ proof: string[] }>(`/api/ledger/entries/${entry}/proof?size=${checkpoint.size}`);
  const root = await rootFromInclusionProof(entry, checkpoint.size, await leafHash(text), proof.proof.map(fromBase64));
  if (!root || !equal(root, checkpoint.root))
    return { ok: false, entry, problem: 'the inclusion proof does not lead to the signed root' };
  if (!fetched.version) return { ok: false, entry, problem: 'the record as the entry vouches for it is not kept' };
  if (hex(await sha256(encoder.encode(fetched.version))) !== parsed.sha256)
    return { ok: false, entry, problem: 'the record does not hash to the ledger entry' };
  const fileHash = JSON.parse(fetched.version)?.fields?.sha256;
  const file = new Uint8Array(content ?? (await bytes(`/api/evidence/${evidenceId}/content`)));
  if (hex(await sha256(file)) !== fileHash)
    return { ok: false, entry, problem: 'the file does not hash to the SHA-256 the ledger vouches for' };
  return { ok: true, entry, size: checkpoint.size, key: key.name };
}
