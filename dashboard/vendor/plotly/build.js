// Builds plotly-digit-reader.min.js from bundle.js with plotly.js's own esbuild settings
// (node_modules/plotly.js/esbuild-config.js), as its CUSTOM_BUNDLE.md describes. Run by `make plotly-bundle`.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const { version } = require('plotly.js/package.json');

esbuild.build({
    entryPoints: ['./bundle.js'],
    outfile: './plotly-digit-reader.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    banner: { js: `/* plotly.js v${version} (MIT licence, Plotly, Inc.), traces: scatter, bar, heatmap, scattergl */` },
    legalComments: 'eof',
    logLevel: 'info'
}).catch(() => process.exit(1));
