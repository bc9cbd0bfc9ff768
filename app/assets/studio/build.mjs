// Builds the studio into app/static/studio/ (or the folder given; run by `make assets` from the
// repository root):
//   studio.js      the bpmn-js modeler, the properties panel and our extension (minified IIFE)
//   studio.css     diagram-js, bpmn-js, bpmn-font, @bpmn-io/properties-panel, then studio.css
//   assets/        the font files and icons the CSS names (files: the CSP allows no data: URIs)
//   LICENSES.txt   the licence of every package bundled
//   VERSION        the versions of the packages that matter
// The page's CSP is script-src 'self' + nonce, style-src 'self', img-src 'self', font-src 'self':
// so no inline style attributes in markup we inject and no data: URIs in the CSS.
import * as esbuild from 'esbuild'
import { createRequire } from 'node:module'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

const root = process.cwd()
const source = join(root, 'app/assets/studio')
const out = join(root, process.argv[2] || 'app/static/studio')
const require = createRequire(join(root, 'package.json'))

// The CSP refuses style="" attributes in markup. bpmn-js draws the align/distribute icons as
// SVG markup with them: write them as SVG presentation attributes (the same drawing). The
// properties panel's container has style="height: 100%": studio.css sets that instead.
const PANEL_CONTAINER = '<div style="height: 100%" tabindex="-1" class="bio-properties-panel-container"></div>'
const noStyleAttributes = {
  name: 'no-style-attributes',
  setup (build) {
    build.onLoad({ filter: /(AlignElementsIcons|DistributeElementsIcons)\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8').replace(/style="([^"]*)"/g, (_, style) =>
        style.split(';').map((rule) => rule.trim()).filter(Boolean).map((rule) => {
          const [name, value] = rule.split(':').map((part) => part.trim())
          return `${name}="${value}"`
        }).join(' '))
      if (/style="/.test(text)) throw new Error('style attributes left in ' + args.path)
      return { contents: text, loader: 'js' }
    })
    build.onLoad({ filter: /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8')
      if (!text.includes(PANEL_CONTAINER)) throw new Error('the properties panel container changed: check ' + args.path)
      return { contents: text.replace(PANEL_CONTAINER, PANEL_CONTAINER.replace(' style="height: 100%"', '')), loader: 'js' }
    })
  }
}

// The vendor CSS has two small SVG icons as data: URIs (img-src 'self' refuses them): make
// each a file beside the CSS.
const dataUriIcons = {
  name: 'data-uri-icons',
  setup (build) {
    const icons = []
    build.onLoad({ filter: /node_modules.*\.css$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8').replace(
        /url\((['"])data:image\/svg\+xml(;utf8)?,(.*?)\1\)/g,
        (_, quote, utf8, data) => {
          icons.push(utf8 ? data : decodeURIComponent(data))
          return `url("ctflow-icon:icon-${icons.length - 1}.svg")`
        })
      if (/url\(\s*['"]?data:/.test(text)) throw new Error('a data: URI is left in ' + args.path)
      return { contents: text, loader: 'css' }
    })
    build.onResolve({ filter: /^ctflow-icon:/ }, (args) => ({ path: args.path.slice('ctflow-icon:'.length), namespace: 'ctflow-icon' }))
    build.onLoad({ filter: /.*/, namespace: 'ctflow-icon' }, (args) => ({
      contents: icons[Number(/icon-(\d+)/.exec(args.path)[1])],
      loader: 'file'
    }))
  }
}

function packageOf (input) {
  const parts = input.split(/[\\/]/)
  const index = parts.lastIndexOf('node_modules')
  if (index === -1) return null
  const name = parts[index + 1].startsWith('@') ? parts[index + 1] + '/' + parts[index + 2] : parts[index + 1]
  return { name, dir: join(root, ...parts.slice(0, index + 1 + name.split('/').length)) }
}

function licenceText (dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f))
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null
}

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const js = await esbuild.build({
  entryPoints: [join(source, 'index.js')],
  outfile: join(out, 'studio.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [noStyleAttributes],
  metafile: true,
  logLevel: 'warning'
})

const css = await esbuild.build({
  stdin: {
    contents: [
      'bpmn-js/dist/assets/diagram-js.css',
      'bpmn-js/dist/assets/bpmn-js.css',
      'bpmn-js/dist/assets/bpmn-font/css/bpmn.css',
      '@bpmn-io/properties-panel/dist/assets/properties-panel.css',
      './studio.css'
    ].map((path) => `@import "${path}";`).join('\n'),
    resolveDir: source,
    sourcefile: 'studio-bundle.css',
    loader: 'css'
  },
  outfile: join(out, 'studio.css'),
  bundle: true,
  minify: true,
  legalComments: 'none',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'assets/[name]-[hash]',
  plugins: [dataUriIcons],
  metafile: true,
  logLevel: 'warning'
})

const builtCss = readFileSync(join(out, 'studio.css'), 'utf8')
if (/url\(\s*['"]?data:/.test(builtCss)) throw new Error('studio.css has a data: URI, which the CSP refuses')
if (/style="/.test(readFileSync(join(out, 'studio.js'), 'utf8').replace(/"style="/g, ''))) {
  console.warn('studio.js: a style="" attribute is left in markup (refused by the CSP)')
}

// Every package bundled, with its licence.
const packages = new Map()
for (const input of [...Object.keys(js.metafile.inputs), ...Object.keys(css.metafile.inputs)]) {
  const pkg = packageOf(input.replace(/^[a-z-]+:/, ''))
  if (pkg && !packages.has(pkg.name)) packages.set(pkg.name, pkg.dir)
}
const names = [...packages.keys()].sort()
const licences = [
  'The studio (studio.js, studio.css and assets/) bundles these npm packages, built by',
  'app/assets/studio/build.mjs from package-lock.json. Their licences follow.',
  ''
]
for (const name of names) {
  const dir = packages.get(name)
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  licences.push('='.repeat(78), `${name} ${meta.version} (${meta.license || 'see below'})`, '='.repeat(78))
  licences.push(licenceText(dir) || `Licence: ${meta.license} (no licence file in the package)`, '')
}
writeFileSync(join(out, 'LICENSES.txt'), licences.join('\n'))

const version = (name) => JSON.parse(readFileSync(require.resolve(name + '/package.json'), 'utf8')).version
writeFileSync(join(out, 'VERSION'), [
  'bpmn-js', 'bpmn-js-properties-panel', '@bpmn-io/properties-panel', 'diagram-js', 'esbuild'
].map((name) => `${name} ${version(name)}`).join('\n') + '\n')

for (const file of ['studio.js', 'studio.css']) {
  const size = readFileSync(join(out, file)).length
  console.log(`${relative(root, join(out, file)).split(sep).join('/')}: ${(size / 1024).toFixed(0)} KiB`)
}
console.log(`${names.length} packages bundled (LICENSES.txt)`)
if (!existsSync(join(out, 'assets'))) throw new Error('no assets were written')
