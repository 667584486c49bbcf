// Avatar images on this device: chosen images are kept locally at once (so they show offline) and
// queued for upload; other people's images are fetched once and cached. Blobs are content-addressed.
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { z } from 'zod';
import { avatarMimeTypes, avatarPath, avatarRoutes } from '#shared/contract/avatars';
import type { AvatarRef } from '#shared/entities/values';
import type { Session } from '../api/session.ts';
import type { SyncStatus } from '../sync/engine.ts';
import { localKey, type LocalStore, type LocalKey } from './local-store.ts';

const StoredBlob = z.object({ mime: z.enum(avatarMimeTypes), data: z.string(), uploaded: z.boolean() });
type StoredBlob = z.infer<typeof StoredBlob>;
const uploadQueue = localKey('avatar-queue', z.object({ hashes: z.array(z.string()) }), { hashes: [] });

function blobKey(hash: string): LocalKey<StoredBlob | null> {
  return localKey(`avatar-${hash}`, StoredBlob.nullable(), null);
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

export class AvatarStore {
  private readonly urls = new Map<string, BehaviorSubject<string | undefined>>();
  private readonly fetching = new Set<string>();
  private statusSubscription: Subscription | undefined;
  private uploading = false;
  private connected = false;
  private stopped = false;

  constructor(
    private readonly local: LocalStore,
    private readonly session: Session,
  ) {}

  start(status$: Observable<SyncStatus>): void {
    this.statusSubscription = status$.subscribe((status) => {
      const connected = status.connected && status.session === 'active';
      const reconnected = connected && !this.connected;
      this.connected = connected;
      if (reconnected) {
        void this.flushUploads();
        for (const [hash, url$] of this.urls) if (url$.value === undefined) void this.fetchRemote(hash, 0);
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.statusSubscription?.unsubscribe();
    for (const url$ of this.urls.values()) {
      if (url$.value !== undefined) URL.revokeObjectURL(url$.value);
      url$.complete();
    }
    this.urls.clear();
  }

  /** Keeps an image on this device and queues its upload; returns the reference for the profile. */
  async add(bytes: Uint8Array<ArrayBuffer>, mime: AvatarRef['mime']): Promise<AvatarRef> {
    const hash = await sha256Hex(bytes);
    await this.local.update(
      blobKey(hash),
      (current) => current ?? { mime, data: toBase64(bytes), uploaded: false },
    );
    await this.local.update(uploadQueue, (queue) => ({
      hashes: queue.hashes.includes(hash) ? queue.hashes : [...queue.hashes, hash],
    }));
    this.publish(hash, bytes, mime);
    if (this.connected) void this.flushUploads();
    return { hash, mime, size: bytes.byteLength };
  }

  /** An object URL for the image, as soon as it is on this device (fetched when needed). */
  url$(ref: AvatarRef): Observable<string | undefined> {
    let url$ = this.urls.get(ref.hash);
    if (url$ === undefined) {
      url$ = new BehaviorSubject<string | undefined>(undefined);
      this.urls.set(ref.hash, url$);
      void this.load(ref.hash);
    }
    return url$;
  }

  /** The image's bytes when this device holds them (no network): for an archive made offline. */
  async cached(
    hash: string,
  ): Promise<{ mime: AvatarRef['mime']; bytes: Uint8Array<ArrayBuffer> } | undefined> {
    const stored = await this.local.get(blobKey(hash));
    return stored === null ? undefined : { mime: stored.mime, bytes: fromBase64(stored.data) };
  }

  /** Number of images waiting to be uploaded. */
  async pendingUploads(): Promise<number> {
    return (await this.local.get(uploadQueue)).hashes.length;
  }

  private publish(hash: string, bytes: Uint8Array<ArrayBuffer>, mime: string): void {
    let url$ = this.urls.get(hash);
    if (url$ === undefined) {
      url$ = new BehaviorSubject<string | undefined>(undefined);
      this.urls.set(hash, url$);
    }
    if (url$.value === undefined) url$.next(URL.createObjectURL(new Blob([bytes], { type: mime })));
  }

  private async load(hash: string): Promise<void> {
    const stored = await this.local.get(blobKey(hash));
    if (stored !== null) this.publish(hash, fromBase64(stored.data), stored.mime);
    else await this.fetchRemote(hash, 0);
  }

  /** The uploader's image may not have reached the server yet: retry a few times, and on reconnect. */
  private async fetchRemote(hash: string, attempt: number): Promise<void> {
    if (this.stopped || !this.connected || this.fetching.has(hash)) return;
    this.fetching.add(hash);
    let retry = false;
    try {
      const response = await this.session.fetch(`${this.session.baseUrl}${avatarPath(hash)}`);
      if (response.ok) {
        const mime = z.enum(avatarMimeTypes).safeParse(response.headers.get('content-type')?.split(';')[0]);
        if (mime.success) {
          const bytes = new Uint8Array(await response.arrayBuffer());
          await this.local.update(blobKey(hash), () => ({
            mime: mime.data,
            data: toBase64(bytes),
            uploaded: true,
          }));
          this.publish(hash, bytes, mime.data);
        }
      } else {
        retry = response.status === 404 || response.status >= 500;
      }
    } catch {
      retry = true;
    } finally {
      this.fetching.delete(hash);
    }
    const wait = RETRY_MS[attempt];
    if (retry && wait !== undefined) {
      setTimeout(() => {
        void this.fetchRemote(hash, attempt + 1);
      }, wait);
    }
  }

  private async flushUploads(): Promise<void> {
    if (this.uploading || this.stopped) return;
    this.uploading = true;
    try {
      for (const hash of (await this.local.get(uploadQueue)).hashes) {
        if (!this.connected) break;
        const stored = await this.local.get(blobKey(hash));
        if (stored !== null && !(await this.upload(hash, stored))) continue;
        await this.local.update(uploadQueue, (queue) => ({ hashes: queue.hashes.filter((h) => h !== hash) }));
        if (stored !== null)
          await this.local.update(blobKey(hash), (current) => current && { ...current, uploaded: true });
      }
    } finally {
      this.uploading = false;
    }
  }

  private async upload(hash: string, stored: StoredBlob): Promise<boolean> {
    try {
      const response = await this.session.fetch(`${this.session.baseUrl}${avatarPath(hash)}`, {
        method: avatarRoutes.upload.method,
        headers: { 'content-type': stored.mime },
        body: fromBase64(stored.data),
      });
      if (!response.ok) return response.status >= 400 && response.status < 500 && response.status !== 401;
      avatarRoutes.upload.responses[200].parse(await response.json());
      return true;
    } catch {
      return false;
    }
  }
}
