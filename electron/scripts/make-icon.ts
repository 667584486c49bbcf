// Renders electron/build/icon.png from the geometry of electron/build/icon.svg (a rounded square
// with a gradient and a person), with 4×4 supersampling, and writes it as a PNG using node:zlib.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ICON_SIZE = 1024;
type Rgb = readonly [number, number, number];
const FROM: Rgb = [0x4f, 0x46, 0xe5];
const TO: Rgb = [0x0e, 0xa5, 0xe9];
const WHITE: Rgb = [255, 255, 255];

function insideRoundedRect(
  x: number,
  y: number,
  left: number,
  top: number,
  size: [number, number],
  r: number,
) {
  const [width, height] = size;
  const cx = Math.min(Math.max(x, left + r), left + width - r);
  const cy = Math.min(Math.max(y, top + r), top + height - r);
  return (
    x >= left && x <= left + width && y >= top && y <= top + height && (x - cx) ** 2 + (y - cy) ** 2 <= r * r
  );
}

function mix(from: Rgb, to: Rgb, t: number): Rgb {
  return [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, from[2] + (to[2] - from[2]) * t];
}

/** The colour and opacity of one sample point, painting the SVG's shapes in order. */
function sample(x: number, y: number): { color: Rgb; alpha: number } {
  if (!insideRoundedRect(x, y, 64, 64, [896, 896], 200)) return { color: WHITE, alpha: 0 };
  const t = Math.min(Math.max((x - 64 + (y - 64)) / 1792, 0), 1);
  let color = mix(FROM, TO, t);
  const head = (x - 512) ** 2 + (y - 400) ** 2 <= 140 ** 2;
  const shoulders = y <= 790 && ((x - 512) / 250) ** 2 + ((y - 790) / 200) ** 2 <= 1;
  if (head || shoulders) color = WHITE;
  else if (insideRoundedRect(x, y, 262, 820, [500, 36], 18)) {
    color = mix(color, WHITE, 0.55);
  }
  return { color, alpha: 1 };
}

/** One pixel of the icon at `size`×`size`: straight (non-premultiplied) RGBA, samples×samples per pixel. */
export function renderPixel(
  px: number,
  py: number,
  size = ICON_SIZE,
  samples = 4,
): [number, number, number, number] {
  const scale = 1024 / size;
  let r = 0;
  let g = 0;
  let b = 0;
  let a = 0;
  for (let sy = 0; sy < samples; sy++) {
    for (let sx = 0; sx < samples; sx++) {
      const { color, alpha } = sample(
        (px + (sx + 0.5) / samples) * scale,
        (py + (sy + 0.5) / samples) * scale,
      );
      r += color[0] * alpha;
      g += color[1] * alpha;
      b += color[2] * alpha;
      a += alpha;
    }
  }
  if (a === 0) return [0, 0, 0, 0];
  return [
    Math.round(r / a),
    Math.round(g / a),
    Math.round(b / a),
    Math.round((a / (samples * samples)) * 255),
  ];
}

/** The whole icon, row by row. */
export function renderIcon(size = ICON_SIZE, samples = 4): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) pixels.set(renderPixel(px, py, size, samples), (py * size + px) * 4);
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit, colour type 6, no filtering). */
export function encodePng(pixels: Buffer, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0;
    pixels.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const ICON_PATH = path.resolve(import.meta.dirname, '..', 'build', 'icon.png');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await writeFile(ICON_PATH, encodePng(renderIcon(), ICON_SIZE, ICON_SIZE));
  console.log(`Wrote ${path.relative(process.cwd(), ICON_PATH)}`);
}
