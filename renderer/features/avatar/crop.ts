// Square crop geometry and the final re-encode: the crop is drawn into a 512 px canvas and encoded
// again, so nothing of the original file (EXIF location, camera data) survives.
import { MAX_AVATAR_BYTES } from '#shared/entities/values';
import type { AvatarRef } from '#shared/entities/values';

export const AVATAR_SIZE = 512;

export interface CropState {
  readonly zoom: number;
  /** Offset of the image's top-left corner inside the square viewport, in viewport pixels. */
  readonly x: number;
  readonly y: number;
}

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export function coverScale(image: ImageSize, viewport: number): number {
  return viewport / Math.min(image.width, image.height);
}

/** Keeps the image covering the whole viewport (no empty corners). */
export function clampCrop(state: CropState, image: ImageSize, viewport: number): CropState {
  const zoom = Math.min(4, Math.max(1, state.zoom));
  const scale = coverScale(image, viewport) * zoom;
  const minX = viewport - image.width * scale;
  const minY = viewport - image.height * scale;
  return { zoom, x: Math.min(0, Math.max(minX, state.x)), y: Math.min(0, Math.max(minY, state.y)) };
}

/** The centred crop at zoom 1. */
export function initialCrop(image: ImageSize, viewport: number): CropState {
  const scale = coverScale(image, viewport);
  return clampCrop(
    { zoom: 1, x: (viewport - image.width * scale) / 2, y: (viewport - image.height * scale) / 2 },
    image,
    viewport,
  );
}

/** Zooms around the viewport's centre so the middle of the crop stays put. */
export function zoomTo(state: CropState, zoom: number, image: ImageSize, viewport: number): CropState {
  const before = coverScale(image, viewport) * state.zoom;
  const after = coverScale(image, viewport) * Math.min(4, Math.max(1, zoom));
  const centre = viewport / 2;
  return clampCrop(
    {
      zoom,
      x: centre - ((centre - state.x) * after) / before,
      y: centre - ((centre - state.y) * after) / before,
    },
    image,
    viewport,
  );
}

/** The source rectangle the crop selects, in image pixels. */
export function sourceRect(state: CropState, image: ImageSize, viewport: number) {
  const scale = coverScale(image, viewport) * state.zoom;
  return { sx: -state.x / scale, sy: -state.y / scale, size: viewport / scale };
}

export function drawCrop(
  canvas: HTMLCanvasElement,
  bitmap: ImageBitmap,
  state: CropState,
  viewport: number,
  output: number,
): void {
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('This browser cannot draw images.');
  const { sx, sy, size } = sourceRect(state, bitmap, viewport);
  context.imageSmoothingQuality = 'high';
  context.clearRect(0, 0, output, output);
  context.drawImage(bitmap, sx, sy, size, size, 0, 0, output, output);
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => {
    canvas.toBlob(resolve, type, quality);
  });
}

/** Renders the crop at 512×512 and encodes it as WebP (JPEG where WebP encoding is missing). */
export async function encodeAvatar(
  bitmap: ImageBitmap,
  state: CropState,
  viewport: number,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mime: AvatarRef['mime'] }> {
  const canvas = document.createElement('canvas');
  canvas.width = AVATAR_SIZE;
  canvas.height = AVATAR_SIZE;
  drawCrop(canvas, bitmap, state, viewport, AVATAR_SIZE);
  for (const [type, quality] of [
    ['image/webp', 0.88],
    ['image/jpeg', 0.88],
    ['image/jpeg', 0.7],
  ] as const) {
    const blob = await toBlob(canvas, type, quality);
    if (blob === null || blob.type !== type) continue;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (bytes.byteLength <= MAX_AVATAR_BYTES) return { bytes, mime: type };
  }
  throw new Error('The image could not be encoded small enough; try another picture.');
}
