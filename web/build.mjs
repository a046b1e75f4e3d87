// Builds the web UI into dist/: one script and one stylesheet with hashed names (cached for a
// year by the server), the fonts they use, index.html naming them, the offline basemap copied
// from data/geo with its attribution. Prints the sizes, gzipped as the server sends them to
// browsers; dist/sizes.json keeps them for the tests.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.ts') },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file', '.png': 'file' },
  metafile: true,
  logLevel: 'warning',
  legalComments: 'linked',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => relative(dist, join(process.cwd(), p)));
const script = outputs.find((p) => p.endsWith('.js'));
const style = outputs.find((p) => p.endsWith('.css'));
if (!script || !style) throw new Error('the build made no script or no stylesheet');

const html = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%SCRIPT%', '/' + script)
  .replace('%STYLE%', '/' + style);
writeFileSync(join(dist, 'index.html'), html);
copyFileSync(join(here, 'src/favicon.svg'), join(dist, 'favicon.svg'));

// The offline basemap: Syria's country and governorate outlines (OCHA COD-AB, CC BY 3.0 IGO).
mkdirSync(join(dist, 'geo'));
for (const name of ['syria-country.geojson', 'syria-governorates.geojson', 'README.md']) {
  copyFileSync(join(here, '..', 'data', 'geo', name), join(dist, 'geo', name));
}

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(path);
  }
};
walk(dist);
const sizes = {};
for (const file of files) {
  const bytes = readFileSync(file);
  const packed = gzipSync(bytes);
  sizes[relative(dist, file)] = { bytes: bytes.length, gzip: packed.length };
}
const code = [script, style].reduce((sum, p) => sum + sizes[p].gzip, 0);
writeFileSync(join(dist, 'sizes.json'), JSON.stringify({ script, style, code_gzip: code, files: sizes }, null, 1));
const digest = createHash('sha256').update(readFileSync(join(dist, script))).digest('hex').slice(0, 12);
console.log(`web: ${script} ${sizes[script].gzip} B gz, ${style} ${sizes[style].gzip} B gz; code ${code} B gzipped (sha256 ${digest}…)`);
