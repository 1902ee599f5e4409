#!/usr/bin/env node
/**
 * Generates the desktop icon set from assets/icon.svg:
 *   assets/icons/<N>x<N>.png  (16…1024; Linux icon dir for electron-builder, tray)
 *   assets/icon.png           (1024, generic)
 *   assets/icon.ico           (Windows, NSIS)
 *   assets/icon.icns          (macOS, dmg)
 *   assets/tray/tray.png, tray@2x.png (small, simplified: no gradients lost at 16 px)
 * Run after editing the SVG: `node electron/scripts/make-icons.mjs`. Outputs are committed,
 * so packaging never needs these dev tools.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const assets = join(root, 'assets');
const svg = readFileSync(join(assets, 'icon.svg'), 'utf8');

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

function render(size, source = svg) {
  return new Resvg(source, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng();
}

mkdirSync(join(assets, 'icons'), { recursive: true });
mkdirSync(join(assets, 'tray'), { recursive: true });
for (const size of ICON_SIZES) writeFileSync(join(assets, 'icons', `${size}x${size}.png`), render(size));
const big = render(1024);
writeFileSync(join(assets, 'icon.png'), big);

const ico = png2icons.createICO(big, png2icons.BICUBIC2, 0, false, true);
const icns = png2icons.createICNS(big, png2icons.BICUBIC2, 0);
if (!ico || !icns) throw new Error('png2icons could not convert assets/icon.png');
writeFileSync(join(assets, 'icon.ico'), ico);
writeFileSync(join(assets, 'icon.icns'), icns);

// The tray shows the icon at 16/32 px: drop the faint border so it stays crisp.
const traySvg = svg.replace(/<rect[^>]*stroke-opacity[^>]*\/>/, '');
writeFileSync(join(assets, 'tray', 'tray.png'), render(16, traySvg));
writeFileSync(join(assets, 'tray', 'tray@2x.png'), render(32, traySvg));
console.log(`icons written to ${assets}`);
