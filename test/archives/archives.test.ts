import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { fakeKey } from '../support/fake-keys.js';
import { LeakGuard } from '../support/leaks.js';
import { multitoolIssues, sarifSchemaErrors } from '../support/sarif.js';
import { WINDOW_OVERLAP } from '../../packages/core/src/archive/windows.js';
import { cleanup, git, makeTree } from '../support/tree.js';

// Every archive is built here, at run time, with the real tools (zip, GNU tar) and node's zlib:
// no archive fixture (and no key) is committed.
const guard = new LeakGuard();
const keys = {
  gzip: guard.plant(fakeKey('live', 'archive-gzip')),
  zip: guard.plant(fakeKey('live', 'archive-zip')),
  tgz: guard.plant(fakeKey('test', 'archive-tgz')),
  nested: guard.plant(fakeKey('live', 'archive-nested')),
  image: guard.plant(fakeKey('live', 'archive-image-deleted')),
  traversal: guard.plant(fakeKey('test', 'archive-traversal')),
  truncated: guard.plant(fakeKey('live', 'archive-truncated')),
  encrypted: guard.plant(fakeKey('live', 'archive-encrypted')),
  longEnd: guard.plant(fakeKey('live', 'archive-long-gzip-end')),
  longEdge: guard.plant(fakeKey('test', 'archive-long-gzip-edge')),
};

const filler = Array.from({ length: 200 }, (_v, i) => `# padding line ${i} so deflate has something to squeeze`).join('\n');
/** `KEY=<key>` on line 3, column 5, after two lines, with filler after it. */
const envWith = (key: string) => `A=1\nB=2\nKEY=${key}\n${filler}\n`;

const run = (cwd: string, cmd: string, ...args: string[]) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface JsonFinding {
  path: string;
  startLine: number;
  startColumn: number;
  fingerprint: string;
  archive?: { format: string; path: string; layer?: string }[];
}
interface JsonReport {
  findings: JsonFinding[];
  warnings: { code: string; message: string; path?: string }[];
}

let work: string;
let tree: string;
let layerDigest: string;

/** A tree of archives, each holding one key at a known inner path and line. */
function buildArchives(dir: string): void {
  const src = join(work, 'src');
  mkdirSync(join(src, 'config'), { recursive: true });

  // gzip: a log compressed by node's zlib.
  writeFileSync(join(dir, 'app.log.gz'), gzipSync(envWith(keys.gzip)));

  // zip (deflated), by Info-ZIP.
  writeFileSync(join(src, 'config/.env'), envWith(keys.zip));
  run(src, 'zip', '-q', '-X', '-Z', 'deflate', join(dir, 'release.zip'), 'config/.env');

  // tar.gz, by GNU tar.
  writeFileSync(join(src, 'config/.env'), envWith(keys.tgz));
  run(src, 'tar', '-czf', join(dir, 'release.tgz'), 'config/.env');

  // A jar inside a tar.gz inside a zip.
  const nest = join(work, 'nest');
  mkdirSync(join(nest, 'META-INF'), { recursive: true });
  writeFileSync(join(nest, 'META-INF/app.properties'), envWith(keys.nested));
  run(nest, 'zip', '-q', '-X', 'app.jar', 'META-INF/app.properties');
  run(nest, 'tar', '-czf', 'lib.tar.gz', 'app.jar');
  run(nest, 'zip', '-q', '-X', join(dir, 'bundle.zip'), 'lib.tar.gz');

  // A `docker save` image: layer 1 adds app/.env, layer 2 deletes it (a whiteout).
  const img = join(work, 'img');
  mkdirSync(join(img, 'l1/app'), { recursive: true });
  mkdirSync(join(img, 'l2/app'), { recursive: true });
  writeFileSync(join(img, 'l1/app/.env'), `# settings\nSHIPPO=${keys.image}\n`);
  writeFileSync(join(img, 'l2/app/.wh..env'), '');
  run(join(img, 'l1'), 'tar', '-cf', join(img, 'layer1.tar'), 'app');
  run(join(img, 'l2'), 'tar', '-cf', join(img, 'layer2.tar'), 'app');
  const out = join(img, 'out');
  mkdirSync(join(out, 'blobs/sha256'), { recursive: true });
  const layers = ['layer1.tar', 'layer2.tar'].map((name) => {
    const bytes = readFileSync(join(img, name));
    const digest = sha256(bytes);
    writeFileSync(join(out, 'blobs/sha256', digest), bytes);
    return digest;
  });
  layerDigest = layers[0]!;
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: layers.map((d) => `sha256:${d}`) } }));
  writeFileSync(join(out, 'blobs/sha256', sha256(config)), config);
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: `blobs/sha256/${sha256(config)}`, RepoTags: ['app:1'], Layers: layers.map((d) => `blobs/sha256/${d}`) }]));
  run(out, 'tar', '-cf', join(dir, 'image.tar'), 'manifest.json', 'blobs');
}

beforeAll(() => {
  work = makeTree({}, 'skg-archives-');
  tree = join(work, 'tree');
  mkdirSync(tree);
  buildArchives(tree);
});

afterAll(() => {
  guard.assertNoLeaks();
  cleanup(work);
});

/** `outer!inner…:line:column` from a JSON finding; a gzip stream with no recorded name is named after its container. */
const where = (f: JsonFinding) => {
  const names = [f.path];
  for (const s of f.archive ?? []) names.push(s.layer ? `${s.layer}/${s.path}` : s.format === 'gzip' && s.path === '' ? names[names.length - 1]!.replace(/\.gz$/, '') : s.path);
  return `${names.join('!')}:${f.startLine}:${f.startColumn}`;
};
const fp = (key: string) => createHash('sha256').update(key).digest('hex');

describe('scan opens archives', () => {
  it('finds each key at its inner path and line, in text and JSON', async () => {
    const zip = readFileSync(join(tree, 'release.zip'));
    // The zip entry is deflated: the key's bytes are not in the file as such.
    expect(zip.includes(Buffer.from(keys.zip))).toBe(false);

    const text = await runCli(['scan', '.'], { cwd: tree, guard });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('app.log.gz!app.log:3:5 ');
    expect(text.stdout).toContain('release.zip!config/.env:3:5 ');
    expect(text.stdout).toContain('release.tgz!config/.env:3:5 ');
    expect(text.stdout).toContain('bundle.zip!lib.tar.gz!app.jar!META-INF/app.properties:3:5 ');
    expect(text.stdout).toContain(`image.tar!sha256:${layerDigest.slice(0, 12)}…/app/.env:2:8 `);

    const json = await runCli(['scan', '.', '--format', 'json'], { cwd: tree, guard });
    const report = JSON.parse(json.stdout) as JsonReport;
    const byKey = new Map(report.findings.map((f) => [f.fingerprint, f]));
    expect(where(byKey.get(fp(keys.gzip))!)).toBe('app.log.gz!app.log:3:5');
    expect(where(byKey.get(fp(keys.zip))!)).toBe('release.zip!config/.env:3:5');
    expect(where(byKey.get(fp(keys.tgz))!)).toBe('release.tgz!config/.env:3:5');
    const nested = byKey.get(fp(keys.nested))!;
    expect(nested.archive).toEqual([
      { format: 'zip', path: 'lib.tar.gz' },
      { format: 'tar', path: 'app.jar' },
      { format: 'zip', path: 'META-INF/app.properties' },
    ]);
    // The file a later layer deleted still ships in the image, and is reported.
    expect(byKey.get(fp(keys.image))!.archive).toEqual([{ format: 'layer', path: 'app/.env', layer: `sha256:${layerDigest}` }]);
    expect(report.warnings).toEqual([]);
  });

  it('names the layers of a gzipped docker save tarball by digest, as a plain one', async () => {
    const dir = join(work, 'gzipped-image');
    mkdirSync(dir);
    writeFileSync(join(dir, 'image.tar.gz'), gzipSync(readFileSync(join(tree, 'image.tar'))));
    const text = await runCli(['scan', '.'], { cwd: dir, guard });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(`image.tar.gz!sha256:${layerDigest.slice(0, 12)}…/app/.env:2:8 `);
    const report = JSON.parse((await runCli(['scan', '.', '--format', 'json'], { cwd: dir, guard })).stdout) as JsonReport;
    expect(report.findings.map((f) => f.archive)).toEqual([[{ format: 'layer', path: 'app/.env', layer: `sha256:${layerDigest}` }]]);
    expect(report.warnings).toEqual([]);
  });

  it('opens archives in the reader threads of a large scan too', async () => {
    const big = join(work, 'big');
    mkdirSync(big);
    for (let i = 0; i < 2100; i++) writeFileSync(join(big, `f${i}.txt`), `line ${i}\n`);
    run(tree, 'cp', 'bundle.zip', 'image.tar', big);
    const result = await runCli(['scan', '.', '--format', 'json', '--no-gitignore'], { cwd: big, guard });
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.findings.map(where).sort()).toEqual(['bundle.zip!lib.tar.gz!app.jar!META-INF/app.properties:3:5', `image.tar!sha256:${layerDigest}/app/.env:2:8`]);
  });

  it('opens archives read from stdin', async () => {
    const result = await runCli(['scan', '-', '--stdin-filename', 'upload.zip'], { cwd: tree, stdin: readFileSync(join(tree, 'bundle.zip')), guard });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('upload.zip!lib.tar.gz!app.jar!META-INF/app.properties:3:5 ');
  });

  it('stops at --archive-depth and says so; 0 opens nothing', async () => {
    const shallow = await runCli(['scan', 'bundle.zip', '--archive-depth', '2', '--format', 'json'], { cwd: tree, guard });
    const report = JSON.parse(shallow.stdout) as JsonReport;
    expect(report.findings).toEqual([]);
    expect(report.warnings.map((w) => [w.code, w.message])).toEqual([['archive-too-deep', expect.stringMatching(/^bundle\.zip!lib\.tar\.gz!app\.jar: archive nested deeper/)]]);
    const off = await runCli(['scan', 'release.tgz', '--archive-depth', '0'], { cwd: tree, guard });
    expect(off.exitCode).toBe(0);
    // The configuration file sets it too; the command line wins.
    const configured = join(work, 'configured');
    mkdirSync(configured);
    run(tree, 'cp', 'release.tgz', configured);
    writeFileSync(join(configured, '.shippo-keyguard.json'), JSON.stringify({ archiveDepth: 0 }));
    expect((await runCli(['scan', 'release.tgz'], { cwd: configured, guard })).exitCode).toBe(0);
    expect((await runCli(['scan', 'release.tgz', '--archive-depth', '1'], { cwd: configured, guard })).exitCode).toBe(1);
    writeFileSync(join(configured, '.shippo-keyguard.json'), JSON.stringify({ archiveDepth: 'deep' }));
    const badConfig = await runCli(['scan', 'release.tgz'], { cwd: configured, guard });
    expect(badConfig.exitCode).toBe(2);
    expect(badConfig.stderr).toMatch(/archiveDepth.*expected a whole number from 0 to 16/);
    const bad = await runCli(['scan', '.', '--archive-depth', '-1'], { cwd: tree, guard });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--archive-depth: expected a whole number/);
  });

  it('writes SARIF with nested artifacts that GitHub maps to the committed file', async () => {
    const result = await runCli(['scan', '.', '--format', 'sarif', '-o', 'out.sarif'], { cwd: tree, writes: ['out.sarif'], guard });
    expect(result.exitCode).toBe(1);
    const log = JSON.parse(result.files['out.sarif']!) as {
      runs: { artifacts: { location: { uri: string; uriBaseId?: string }; parentIndex?: number }[]; results: { message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; index?: number }; region: { startLine: number } } }[] }[] }[];
    };
    const run0 = log.runs[0]!;
    const nested = run0.results.find((r) => r.message.text.includes('META-INF/app.properties'))!;
    const location = nested.locations[0]!.physicalLocation;
    expect(location.artifactLocation.uri).toBe('bundle.zip');
    expect(location.region.startLine).toBe(3);
    // Walk from the inner artifact to the committed file.
    const chain: string[] = [];
    let at: number | undefined = location.artifactLocation.index;
    while (at !== undefined) {
      const artifact: (typeof run0.artifacts)[number] = run0.artifacts[at]!;
      chain.unshift(artifact.location.uri);
      at = artifact.parentIndex;
    }
    expect(chain).toEqual(['bundle.zip', 'lib.tar.gz', 'app.jar', 'META-INF/app.properties']);
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(multitoolIssues([join(tree, 'out.sarif')], work)).toEqual([]);
  }, 120_000);
});

describe('history opens archives in blobs', () => {
  it('finds the same keys, named inside the committed archives', async () => {
    const repo = join(work, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    run(tree, 'cp', 'app.log.gz', 'release.zip', 'release.tgz', 'bundle.zip', 'image.tar', repo);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'add archives');
    // Deleted at HEAD: history still finds them.
    git(repo, 'rm', '-q', 'release.zip', 'image.tar');
    git(repo, 'commit', '-q', '-m', 'remove two');
    const result = await runCli(['history', '--format', 'json'], { cwd: repo, guard });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    const found = report.findings.map(where).sort();
    expect(found).toEqual(
      [
        'app.log.gz!app.log:3:5',
        'bundle.zip!lib.tar.gz!app.jar!META-INF/app.properties:3:5',
        `image.tar!sha256:${layerDigest}/app/.env:2:8`,
        'release.tgz!config/.env:3:5',
        'release.zip!config/.env:3:5',
      ].sort(),
    );
  });
});

describe('staged opens archives', () => {
  it('blocks a commit that adds a key inside an archive', async () => {
    const repo = join(work, 'staged-repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    run(tree, 'cp', 'release.tgz', repo);
    git(repo, 'add', 'release.tgz');
    const result = await runCli(['staged'], { cwd: repo, guard });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('release.tgz!config/.env:3:5 ');
  });
});

/** A gzip member holding `gib` GiB of zeros, built from one flushed deflate block run repeated. */
function gzipOfZeros(gib: number): Buffer {
  const mib = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const parts = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3])];
  for (let i = 0; i < gib * 1024; i++) parts.push(mib);
  parts.push(Buffer.from([3, 0]), Buffer.alloc(8)); // final empty block; CRC and size never reached
  return Buffer.concat(parts);
}

/** Run the CLI in a child process and report its peak resident memory (kB). */
function scanChild(cwd: string, ...args: string[]): { report: JsonReport; status: number | null; maxRssKb: number; stderr: string } {
  const probe = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss:"+process.resourceUsage().maxRSS+"\\n"))';
  const child = spawnSync(process.execPath, ['--import', probe, BIN, 'scan', ...args, '--format', 'json'], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  const rss = /maxrss:(\d+)/.exec(child.stderr);
  return { report: JSON.parse(child.stdout) as JsonReport, status: child.status, maxRssKb: Number(rss?.[1] ?? Number.NaN), stderr: child.stderr };
}

describe('hostile archives', () => {
  let hostile: string;
  beforeAll(() => {
    hostile = join(work, 'hostile');
    mkdirSync(hostile);
    const h = (name: string) => join(hostile, name);

    // A 10 KB file that inflates to 10 GiB: gzip of a gzip of zeros.
    writeFileSync(h('bomb.gz.gz'), gzipSync(gzipOfZeros(10), { level: 9 }));

    // Nesting that explodes: 8 zips, each of 16 entries of 16 MiB of zeros (2 GiB in all).
    const boom = join(work, 'boom');
    mkdirSync(boom);
    writeFileSync(join(boom, 'zeros'), Buffer.alloc(16 << 20));
    for (let i = 0; i < 16; i++) symlinkSync('zeros', join(boom, `z${i}`));
    run(boom, 'zip', '-q', '-X', '-9', 'inner.zip', ...Array.from({ length: 16 }, (_v, i) => `z${i}`));
    for (let i = 0; i < 8; i++) symlinkSync('inner.zip', join(boom, `copy${i}.zip`));
    run(boom, 'zip', '-q', '-X', '-0', h('nested-bomb.zip'), ...Array.from({ length: 8 }, (_v, i) => `copy${i}.zip`));

    // An entry named ../../etc/passwd, and one with an absolute path.
    const evil = join(work, 'evil');
    mkdirSync(evil);
    writeFileSync(join(evil, 'victim'), `root:x:0:0\nKEY=${keys.traversal}\n`);
    run(evil, 'tar', '-cPf', h('traversal.tar'), '--transform', 's,^victim,../../etc/passwd,', 'victim');

    // A tar.gz cut in half: the entries before the cut are still searched.
    const cut = join(work, 'cut');
    mkdirSync(cut);
    writeFileSync(join(cut, 'first.env'), `KEY=${keys.truncated}\n`);
    writeFileSync(join(cut, 'second.bin'), createHash('sha512').update('noise').digest().toString('hex').repeat(4000));
    run(cut, 'tar', '-czf', 'full.tgz', 'first.env', 'second.bin');
    const full = readFileSync(join(cut, 'full.tgz'));
    writeFileSync(h('truncated.tgz'), full.subarray(0, Math.floor(full.length / 2)));

    // An encrypted zip entry (ZipCrypto, by Info-ZIP).
    const enc = join(work, 'enc');
    mkdirSync(enc);
    writeFileSync(join(enc, 'secret.env'), envWith(keys.encrypted));
    run(enc, 'zip', '-q', '-X', '-P', 'hunter2', h('encrypted.zip'), 'secret.env');

    // A tar with a symbolic link entry.
    const links = join(work, 'links');
    mkdirSync(links);
    symlinkSync('/etc/passwd', join(links, 'passwd'));
    run(links, 'tar', '-cf', h('links.tar'), 'passwd');
  });

  it('the bomb is small and claims gigabytes', () => {
    // About 24 KB on disk for 10 GiB inflated.
    expect(statSync(join(hostile, 'bomb.gz.gz')).size).toBeLessThan(32 * 1024);
  });

  it('gives one warning per hostile archive, keeps scanning, and stays under 256 MB', () => {
    const { report, status, maxRssKb } = scanChild(hostile, '.');
    expect(status).toBe(1); // the traversal and truncated keys are still found
    const warnings = report.warnings.map((w) => `${w.code} ${w.message}`);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^archive-too-large bomb\.gz\.gz!bomb\.gz: inflates to more than \d+ bytes/),
        expect.stringMatching(/^archive-too-large nested-bomb\.zip: inflates to more than \d+ bytes in total/),
        expect.stringMatching(/^archive-unsafe-path traversal\.tar!\.\.\/\.\.\/etc\/passwd: /),
        expect.stringMatching(/^archive-corrupt truncated\.tgz: /),
        expect.stringMatching(/^archive-encrypted encrypted\.zip!secret\.env: encrypted entry/),
        expect.stringMatching(/^archive-link links\.tar!passwd: link entry \(to \/etc\/passwd\)/),
      ]),
    );
    for (const w of report.warnings) expect(w.message).not.toContain('\n');
    // The explosion ends once, for the whole file, not entry by entry.
    expect(report.warnings.filter((w) => w.path === 'nested-bomb.zip')).toHaveLength(1);
    const found = report.findings.map(where).sort();
    expect(found).toEqual(['traversal.tar!../../etc/passwd:2:5', 'truncated.tgz!first.env:1:5']);
    expect(maxRssKb).toBeGreaterThan(0);
    expect(maxRssKb).toBeLessThan(256 * 1024);
  }, 120_000);
});

describe('a gzip stream past the per-entry limit', () => {
  it('is searched as it inflates: a key near its end and one across a window edge, at their lines, under 256 MB', () => {
    const dir = join(work, 'long-gzip');
    mkdirSync(dir);
    // 80 MiB of 64-byte lines, which gzip squeezes to a small file. The first window edge (8 MiB
    // plus the overlap) falls 20 bytes into one key; another key is near the end.
    const line = `${'filler line '.repeat(6)}`.slice(0, 63) + '\n';
    const filler = (n: number) => Buffer.alloc(n * 64, line);
    const edge = (8 << 20) + WINDOW_OVERLAP;
    const edgeStart = edge - 20;
    const lineStart = edgeStart - (edgeStart % 64);
    const column = edgeStart - lineStart + 1;
    const edgeLine = lineStart / 64 + 1;
    const middle = ((80 << 20) - lineStart - 128 - 64 - 9 * 64) / 64;
    const endLine = edgeLine + 1 + middle;
    const content = Buffer.concat([
      filler(lineStart / 64),
      Buffer.from(`${'#'.repeat(column - 1)}${keys.longEdge}`.padEnd(127, '.') + '\n'),
      filler(middle),
      Buffer.from(`K=${keys.longEnd}`.padEnd(63, '.') + '\n'),
      filler(9),
    ]);
    expect(content.length).toBe(80 << 20);
    writeFileSync(join(dir, 'big.log.gz'), gzipSync(content, { level: 9 }));
    expect(statSync(join(dir, 'big.log.gz')).size).toBeLessThan(1 << 20);

    const { report, status, maxRssKb } = scanChild(dir, '.');
    expect(status).toBe(1);
    expect(report.warnings).toEqual([]);
    expect(report.findings.map(where).sort()).toEqual([`big.log.gz!big.log:${edgeLine}:${column}`, `big.log.gz!big.log:${endLine}:3`].sort());
    const across = report.findings.find((f) => f.fingerprint === fp(keys.longEdge))!;
    expect([across.startOffset, across.endOffset]).toEqual([edgeStart, edgeStart + keys.longEdge.length]);
    expect(maxRssKb).toBeGreaterThan(0);
    expect(maxRssKb).toBeLessThan(256 * 1024);
  }, 120_000);
});
