// The committed app icon matches its SVG geometry; the PNG encoder round-trips.
import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, ICON_PATH, ICON_SIZE, renderIcon, renderPixel } from './make-icon.ts';

interface Png {
  readonly width: number;
  readonly height: number;
  readonly rgba: Buffer;
}

/** Decodes the 8-bit RGBA, unfiltered PNGs that make-icon writes. */
function decode(png: Buffer): Png {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([...body.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(data));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width * 4 + 1)]).toBe(0);
    rows.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

const pixel = (png: Png, x: number, y: number) => [
  ...png.rgba.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4),
];

describe('app icon', () => {
  it('is the committed rendering of icon.svg at 1024×1024', async () => {
    const committed = decode(await readFile(ICON_PATH));
    expect([committed.width, committed.height]).toEqual([ICON_SIZE, ICON_SIZE]);
    expect(pixel(committed, 8, 8)).toEqual([0, 0, 0, 0]);
    expect(pixel(committed, 512, 400)).toEqual([255, 255, 255, 255]);
    expect(pixel(committed, 300, 300)[3]).toBe(255);
    expect(pixel(committed, 300, 300)[2]).toBeGreaterThan(200);
    // Regenerate with `npx tsx electron/scripts/make-icon.ts` when the geometry changes.
    for (let i = 0; i < 400; i++) {
      const x = (i * 397) % ICON_SIZE;
      const y = (i * 641 + 13) % ICON_SIZE;
      expect(pixel(committed, x, y), `${x},${y}`).toEqual(renderPixel(x, y));
    }
  });

  it('round-trips through the encoder', () => {
    const pixels = renderIcon(16, 2);
    const decoded = decode(encodePng(pixels, 16, 16));
    expect(decoded.rgba).toEqual(pixels);
  });
});
