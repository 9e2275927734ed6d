// Writes Parley's PNG icons: a white speech bubble with three "typing" dots on indigo.
// Dependency-free on purpose, so the icons can be regenerated on any machine with
// plain Node: `node scripts/make-icons.mjs`. The PNGs are committed; run this only
// when the design changes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const INDIGO = [0x4f, 0x46, 0xe5];
const WHITE = [0xff, 0xff, 0xff];
// 5×5 samples per pixel: smooth edges even at 64 px without visible cost.
const SUPERSAMPLE = 5;

const ICONS = [
  // Purpose "any": a rounded square, so browsers that show it as-is get a finished shape.
  { file: 'public/icons/icon-192.png', size: 192, background: 'rounded', markScale: 1.15 },
  { file: 'public/icons/icon-512.png', size: 512, background: 'rounded', markScale: 1.15 },
  // Purpose "maskable": full bleed, the mark well inside the central 80% circle
  // because launchers may crop to any shape down to that circle.
  { file: 'public/icons/maskable-192.png', size: 192, background: 'full', markScale: 1 },
  { file: 'public/icons/maskable-512.png', size: 512, background: 'full', markScale: 1 },
  // iOS masks the icon itself and turns transparency black, so it must be opaque.
  { file: 'public/icons/apple-touch-icon.png', size: 180, background: 'full', markScale: 1.1 },
  { file: 'app/icon.png', size: 64, background: 'rounded', markScale: 1.2 },
];

/** Inside test for a rounded rectangle in unit coordinates. */
function inRoundedRect(x, y, left, top, right, bottom, radius) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inCircle(x, y, cx, cy, radius) {
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
  const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
  const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
  const hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNegative && hasPositive);
}

/**
 * Colour of one sample point, or null when transparent. At markScale 1 the mark
 * reaches 0.36 from the centre (the tail tip), inside the 0.4 maskable safe zone.
 */
function sampleColor(px, py, { background, markScale }) {
  if (background === 'rounded' && !inRoundedRect(px, py, 0, 0, 1, 1, 0.22)) return null;

  // Map into the mark's own frame, scaled about the centre.
  const x = 0.5 + (px - 0.5) / markScale;
  const y = 0.5 + (py - 0.5) / markScale;

  const inBody = inRoundedRect(x, y, 0.25, 0.27, 0.75, 0.63, 0.11);
  const inTail = inTriangle(x, y, [0.25, 0.5], [0.44, 0.62], [0.25, 0.75]);
  if (!inBody && !inTail) return INDIGO;

  const dotY = 0.45;
  for (const dotX of [0.385, 0.5, 0.615]) {
    if (inCircle(x, y, dotX, dotY, 0.042)) return INDIGO;
  }
  return WHITE;
}

/** Rasterises one icon to non-premultiplied RGBA rows. */
function render(icon) {
  const { size } = icon;
  const pixels = Buffer.alloc(size * size * 4);
  const samples = SUPERSAMPLE * SUPERSAMPLE;

  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = (col + (sx + 0.5) / SUPERSAMPLE) / size;
          const py = (row + (sy + 0.5) / SUPERSAMPLE) / size;
          const color = sampleColor(px, py, icon);
          if (!color) continue;
          r += color[0];
          g += color[1];
          b += color[2];
          covered++;
        }
      }
      const offset = (row * size + col) * 4;
      // Average only covered samples so edge pixels keep their true colour and
      // fade through alpha instead of darkening towards black.
      if (covered > 0) {
        pixels[offset] = Math.round(r / covered);
        pixels[offset + 1] = Math.round(g / covered);
        pixels[offset + 2] = Math.round(b / covered);
      }
      pixels[offset + 3] = Math.round((covered / samples) * 255);
    }
  }
  return pixels;
}

// CRC-32 by hand: zlib.crc32 only exists from Node 20.15 / 22.2.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // bytes 10–12 stay 0: deflate, adaptive filtering, no interlace

  // Each scanline is prefixed with filter type 0 (none); flat colour compresses well anyway.
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let row = 0; row < size; row++) {
    rgba.copy(raw, row * (stride + 1) + 1, row * stride, (row + 1) * stride);
  }

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Radius of the maskable safe zone (W3C manifest spec: a circle of 40% of the icon's size, centred). */
const SAFE_ZONE_RADIUS = 0.4;

/**
 * A maskable icon must be opaque to its edges and keep every pixel of the mark inside the safe zone, or a
 * launcher's circle or squircle crops it. Checked on the rendered pixels, so a design change cannot slip past.
 */
function assertMaskable(icon, rgba) {
  const { size } = icon;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const offset = (row * size + col) * 4;
      const [r, g, b, a] = rgba.subarray(offset, offset + 4);
      if (a !== 255) throw new Error(`${icon.file}: pixel ${col},${row} is not opaque`);
      const distance = Math.hypot((col + 0.5) / size - 0.5, (row + 0.5) / size - 0.5);
      const background = r === INDIGO[0] && g === INDIGO[1] && b === INDIGO[2];
      if (distance > SAFE_ZONE_RADIUS && !background) throw new Error(`${icon.file}: the mark reaches ${distance.toFixed(3)} from the centre`);
    }
  }
}

const root = new URL('../', import.meta.url);
for (const icon of ICONS) {
  const target = new URL(icon.file, root);
  mkdirSync(new URL('./', target), { recursive: true });
  const pixels = render(icon);
  if (icon.file.includes('maskable')) assertMaskable(icon, pixels);
  const png = encodePng(icon.size, pixels);
  writeFileSync(target, png);
  console.log(`${icon.file} ${icon.size}x${icon.size} ${png.length} bytes`);
}
